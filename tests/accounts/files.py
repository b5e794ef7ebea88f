"""Account files built the way a secretariat fills them: a letterhead, headers written
loosely, unit names with abbreviations or without diacritics."""

import io

from openpyxl import Workbook

HEADER = ["STT", "Họ và tên", "Email", "Đơn vị", "Vai trò"]


def xlsx(rows, *, header=HEADER, letterhead=True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if letterhead:
        sheet.append(["BAN DÂN VẬN THÀNH ỦY TỪ SƠN"])
        sheet.append(["DANH SÁCH TÀI KHOẢN CÁN BỘ"])
        sheet.append([])
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, header=("Ho va ten", "EMAIL", "don vi", "vai tro")) -> bytes:
    lines = [";".join(header), *(";".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")
