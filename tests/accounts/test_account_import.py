"""Many accounts from one file: read as secretariats write it, every problem named by
row and column, a preview before anything is created, then all or nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services.imports import accounts_file_read
from audit.models import AuditEntry
from notifications.models import Notification
from workflow.errors import WorkflowError

from .files import csv_bytes, xlsx

GOOD = [
    ("Nguyễn Văn An", "an.nv@example.test", "UBND P. Đông Ngàn", "Cán bộ đơn vị"),
    ("Trần Thị Bình", "binh.tt@example.test", "dang uy phuong tam son", "can bo don vi"),
    ("Lê Văn Cường", "cuong.lv@example.test", "Thành phố Từ Sơn", "Cán bộ kiểm tra"),
]


def test_a_loosely_written_file_is_read_with_units_and_roles_resolved(world):
    read = accounts_file_read(data=xlsx(GOOD), name="danh-sach.xlsx")
    assert read.ok, read.problems
    assert [(r.line, r.unit, r.role) for r in read.rows] == [
        (5, world.ward_a_sub, "unit_officer"),
        (6, world.ward_b, "unit_officer"),
        (7, world.city, "inspector"),
    ]
    assert read.rows[0].username == "an.nv@example.test"


def test_a_csv_with_semicolons_and_headers_without_diacritics_is_read_too(world):
    read = accounts_file_read(data=csv_bytes([";".join(GOOD[0]).split(";")]), name="danh-sach.csv")
    assert read.ok, read.problems
    assert read.rows[0].unit == world.ward_a_sub


def test_every_problem_is_named_by_row_and_column(world):
    rows = [
        ("Nguyễn Văn An", "an.nv@example.test", "UBND P. Đông Ngàn", "Cán bộ đơn vị"),
        ("Trần Thị Bình", "khong-phai-email", "Đảng ủy phường Tam Sơn", "Cán bộ đơn vị"),
        ("Lê Văn Cường", "AN.NV@example.test", "Đảng ủy phường Tam Sơn", "Cán bộ đơn vị"),
        ("Phạm Văn Dũng", "canbo.a@example.test", "Đảng ủy phường Tam Sơn", "Cán bộ đơn vị"),
        ("Hoàng Thị Em", "em@example.test", "Đảng ủy phường Tam Sown", "Cán bộ đơn vị"),
        ("Vũ Văn Phúc", "phuc@example.test", "Thành phố Từ Sơn", "Bí thư"),
        ("", "giang@example.test", "Thành phố Từ Sơn", "Lãnh đạo"),
    ]
    read = accounts_file_read(data=xlsx(rows), name="loi.xlsx")
    assert not read.ok
    assert read.problems == [
        "Dòng 6, cột “Email”: Địa chỉ email “khong-phai-email” không hợp lệ.",
        "Dòng 7, cột “Email”: trùng với dòng 5.",
        "Dòng 8, cột “Email”: Địa chỉ email “canbo.a@example.test” đã thuộc về tài khoản “canbo.a”.",
        "Dòng 9, cột “Đơn vị”: Không tìm thấy đơn vị “Đảng ủy phường Tam Sown” trong danh mục."
        " Có phải là: “Đảng ủy phường Tam Sơn”, “Đảng ủy phường Đông Ngàn”, “UBND phường Tam Sơn”?",
        "Dòng 10, cột “Vai trò”: không nhận ra vai trò “Bí thư”. Dùng một trong: Cán bộ đơn vị;"
        " Ban Dân vận (thường trực BCĐ); Cán bộ kiểm tra; Thành viên BCĐ / hội đồng;"
        " Lãnh đạo (chỉ xem).",
        "Dòng 11, cột “Họ và tên”: Chưa nhập họ và tên.",
    ]


def test_a_file_without_the_columns_is_refused_whole(world):
    with pytest.raises(WorkflowError) as refused:
        accounts_file_read(data=xlsx(GOOD, header=["Họ và tên", "Email", "Ghi chú"]), name="x.xlsx")
    assert refused.value.messages == ["Thiếu cột “Đơn vị”.", "Thiếu cột “Vai trò”."]
    with pytest.raises(WorkflowError, match="bị hỏng hoặc không phải bảng tính hợp lệ"):
        accounts_file_read(data=b"PK\x03\x04 broken", name="x.xlsx")
    with pytest.raises(WorkflowError, match="Không đọc được tệp"):
        accounts_file_read(data=b"%PDF-1.7 not a workbook", name="danh-sach.xlsx")


def upload(client, content: bytes, name="danh-sach.xlsx", invite=True):
    data = {"file": SimpleUploadedFile(name, content)}
    if invite:
        data["invite"] = "on"
    return client.post("/quan-ly/tai-khoan/nhap-tep/", data)


def test_the_page_previews_then_creates_every_account_and_its_invitation(world, client):
    client.force_login(world.secretariat)
    response = upload(client, xlsx(GOOD))
    assert response.status_code == 302
    assert response["Location"] == "/quan-ly/tai-khoan/nhap-tep/xac-nhan/"
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "Xác nhận tạo 3 tài khoản" in text
    assert "UBND phường Đông Ngàn" in text and "trong tệp: UBND P. Đông Ngàn" in text
    assert not get_user_model().objects.filter(email__in=[r[1] for r in GOOD]).exists()

    done = client.post("/quan-ly/tai-khoan/nhap-tep/xac-nhan/", follow=True)
    assert "Đã tạo 3 tài khoản và gửi thư mời tới từng người." in done.content.decode()
    created = get_user_model().objects.filter(email__in=[r[1] for r in GOOD])
    assert created.count() == 3
    assert Notification.objects.filter(kind="account_invitation").count() == 3
    assert AuditEntry.objects.filter(action="account.create").count() == 3
    # Confirming twice (a double click, the back button) creates nothing more.
    again = client.post("/quan-ly/tai-khoan/nhap-tep/xac-nhan/", follow=True)
    assert "Phiên xem trước đã hết hạn" in again.content.decode()
    assert created.count() == 3


def test_a_file_with_any_problem_creates_nothing_and_lists_them(world, client):
    client.force_login(world.secretariat)
    rows = [*GOOD, ("Đỗ Văn Hải", "hai@example.test", "Phường không có", "Cán bộ đơn vị")]
    response = upload(client, xlsx(rows))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tệp có 1 lỗi — chưa tạo tài khoản nào" in text
    assert "Dòng 8, cột “Đơn vị”: Không tìm thấy đơn vị “Phường không có”" in text
    assert not get_user_model().objects.filter(email__in=[r[1] for r in rows]).exists()
    assert not AuditEntry.objects.exists()


def test_confirmation_checks_again_and_creates_none_if_an_address_was_taken_meanwhile(
    world, client
):
    client.force_login(world.secretariat)
    upload(client, xlsx(GOOD))
    user = get_user_model().objects.get(username="canbo.b")
    user.email = "binh.tt@example.test"  # someone took it between preview and confirm
    user.save(update_fields=["email"])
    response = client.post("/quan-ly/tai-khoan/nhap-tep/xac-nhan/")
    text = response.content.decode()
    assert "Dòng 6, cột “Email”: Địa chỉ email “binh.tt@example.test” đã thuộc về tài khoản" in text
    assert not get_user_model().objects.filter(email="an.nv@example.test").exists()
    assert not Notification.objects.exists()
