"""The project's Vietnamese formats (FORMAT_MODULE_PATH): every date a person reads or
types is dd/mm/yyyy, whatever the browser's language. Django's own "vi" formats write
"Ngày 03 tháng 12 năm 2026" and "03-12-2026"; documents write their dates in full
themselves."""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
FIRST_DAY_OF_WEEK = 1  # Monday
# d/m/yyyy parses with %d/%m/%Y; a phone's numeric keypad often offers "-" or "." only.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
