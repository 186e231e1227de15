"""Errors a user sees: one line in Chinese, with an English twin for `check --json`."""


class ReportError(Exception):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(code, zh, en)  # args match __init__ so the error pickles across processes
        self.code = code
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def not_a_report() -> ReportError:
    return ReportError(
        "not_report",
        "这不是政府信息公开工作年度报告：未找到报告标题和统计表格。",
        "not an annual report on government information disclosure: no title or tables found",
    )


def unsupported(kind: str) -> ReportError:
    return ReportError(
        "unsupported",
        f"不支持的文件类型（{kind}）。请发送 PDF、DOCX、HTML 或 TXT 格式的年度报告。",
        f"unsupported file type ({kind}); send the report as PDF, DOCX, HTML or TXT",
    )


def corrupt(kind: str, detail: str = "") -> ReportError:
    return ReportError(
        "corrupt",
        f"文件已损坏，无法读取（{kind}）。请重新导出后再发送。",
        f"the {kind} file is damaged and cannot be read{': ' + detail if detail else ''}",
    )


def empty() -> ReportError:
    return ReportError("empty", "文件是空的。", "the file is empty")


def too_large(limit_mb: int) -> ReportError:
    """A file over a size limit: parser.limits.MAX_FILE_MB, or the bot's lower download limit."""
    return ReportError(
        "too_large",
        f"文件过大（超过 {limit_mb} MB），无法处理。",
        f"the file is too large (over {limit_mb} MB)",
    )


def image_too_large() -> ReportError:
    return ReportError("too_large", "图片过大，无法识别。请缩小后再发送。", "the image is too large to read")


def out_of_memory() -> ReportError:
    return ReportError(
        "too_large",
        "文件解析时占用内存过多，已停止处理。",
        "parsing the file needed too much memory and was stopped",
    )
