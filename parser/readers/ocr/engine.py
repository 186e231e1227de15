"""The RapidOCR engine: one shared instance, text detection on a reduced page, batched recognition."""

from __future__ import annotations

import contextlib
import math
import threading

from parser.errors import ReportError

# Pages are scaled so that their long side has about this many pixels: A4 at ~220 dpi, where
# 9–10.5 pt table digits are 25–30 px high, what the PP-OCR detector finds reliably
TARGET_LONG_SIDE = 2600
DETECT_LONG_SIDE = 1300  # px: text is found on the page reduced to this (a quarter of the pixels)
# px: the engine's own limit, above any page we hand it, so it never scales a page down again
ENGINE_MAX_SIDE = TARGET_LONG_SIDE * 2
# onnxruntime threads per page: pages are read side by side instead (see OCR_WORKERS)
ENGINE_THREADS = 1
# onnxruntime keeps the memory of one run for the next (its arena); rapidocr turns that off, and then
# every run maps and zeroes its buffers afresh: measured, a quarter of the recogniser's CPU time went to
# the kernel's page faults. What is read is the same either way
ENGINE_ARENA = True
# crops padded to one width (their widest); sorted by shape, so a batch pads little. The padding is part of
# what the recogniser reads: these groups are kept as they were tuned (REC_BATCH = 1, each crop at its own
# width, costs 30% less CPU but reads some text differently, e.g. "2024 年" for "2024年" in a title)
REC_BATCH = 8
# px: the least width of a crop at the recogniser's height, and the step a batch's width is rounded
# up to (the model's width stride)
REC_MIN_WIDTH = REC_WIDTH_STEP = 8


def missing_engine() -> ReportError:
    return ReportError(
        "ocr_unavailable",
        "这是扫描件（图片），但本机未安装文字识别组件，无法读取。请发送带文字的 PDF 或 DOCX 文件。",
        "this is a scan but the OCR engine (rapidocr-onnxruntime) is not installed; send a PDF with text or DOCX",
    )


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


_engine_lock = threading.Lock()
_engine_instance = None


def engine():
    global _engine_instance
    with _engine_lock:
        if _engine_instance is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise missing_engine() from exc
            # a page is never scaled down again inside the engine: we chose its size. Pages come levelled
            # and upright (deskew), so the angle classifier is skipped
            with _session_options():
                _engine_instance = RapidOCR(
                    max_side_len=ENGINE_MAX_SIDE,
                    print_verbose=False,
                    use_cls=False,
                    intra_op_num_threads=ENGINE_THREADS,
                    inter_op_num_threads=ENGINE_THREADS,
                )
        return _engine_instance


@contextlib.contextmanager
def _session_options():
    """RapidOCR's sessions built with our onnxruntime options (it has no parameter for them): its own
    options, with the memory arena on (ENGINE_ARENA)."""
    from rapidocr_onnxruntime.utils import OrtInferSession

    own = OrtInferSession.__dict__.get("_init_sess_opts")
    if not isinstance(own, staticmethod):  # another rapidocr: its own options, slower but the same reading
        yield
        return

    def options(config):
        opts = own.__func__(config)
        opts.enable_cpu_mem_arena = ENGINE_ARENA
        return opts

    OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        OrtInferSession._init_sess_opts = own


def detect(grey, engine) -> list[tuple[float, float, float, float]]:
    """Text boxes (x0, y0, x1, y1 on `grey`), found on a copy reduced to DETECT_LONG_SIDE."""
    import cv2

    h, w = grey.shape
    scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
    small = (
        grey
        if scale == 1.0
        else cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    try:
        found, _ = engine.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    except Exception as exc:  # onnxruntime reports running out of memory as its own error
        if "bad_alloc" in str(exc):
            raise MemoryError(str(exc)) from exc
        raise
    boxes = []
    for points in found if found is not None else []:
        xs = [p[0] / scale for p in points]
        ys = [p[1] / scale for p in points]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    boxes.sort(key=lambda b: (b[1], b[0]))
    return boxes


Reading = tuple[str, list[float]]  # a crop's text and its characters' confidences


def batches(crops: list) -> list[list[int]]:
    """The crops' indices in the groups they are recognised in: similar shapes together (sorted by
    width over height), REC_BATCH at a time. A crop's reading depends a little on its batch (the
    recogniser sees the padding), so the groups are the same however the batches are run."""
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    return [order[start : start + REC_BATCH] for start in range(0, len(order), REC_BATCH)]


def recognise_batch(engine, crops: list, batch: list[int]) -> list[Reading]:
    """The readings of `crops[i]` for i in `batch`, in one run of the recogniser.

    A batch is padded only to its widest member: rapidocr's own recogniser pads every crop to at least
    320 px, so a lone digit cost as much as a line of prose."""
    import cv2
    import numpy as np

    rec = engine.text_rec
    height = rec.rec_image_shape[1]
    chars = rec.postprocess_op.character
    widths = [max(REC_MIN_WIDTH, math.ceil(height * crops[i].shape[1] / crops[i].shape[0])) for i in batch]
    width = max(widths)
    width = (width + REC_WIDTH_STEP - 1) // REC_WIDTH_STEP * REC_WIDTH_STEP
    tensor = np.zeros((len(batch), 3, height, width), dtype=np.float32)
    for j, (i, w) in enumerate(zip(batch, widths, strict=True)):
        resized = cv2.resize(crops[i], (w, height)).astype(np.float32)
        tensor[j, :, :, :w] = resized.transpose(2, 0, 1) / 127.5 - 1.0  # 0–255 to the model's −1…1
    # the padded crops run one at a time: what each reads is the same as in one run of the whole batch
    # (items of a batch never mix), and on one onnxruntime thread a batch costs more a column than its
    # crops alone (measured: a fifth more CPU over the bench's scans)
    preds = np.concatenate([rec.session(tensor[j : j + 1])[0] for j in range(len(batch))])
    index = preds.argmax(axis=2)
    prob = preds.max(axis=2)
    out: list[Reading] = []
    for j in range(len(batch)):  # CTC decoding: class 0 is the blank, repeats collapse
        text, confs, last = [], [], 0
        for t, c in enumerate(index[j]):
            if c != 0 and c != last:
                text.append(chars[c])
                confs.append(float(prob[j, t]))
            last = c
        out.append(("".join(text), confs))
    return out


def recognise(engine, crops: list) -> list[Reading]:
    """Each crop's text and its characters' confidences, batch after batch (see `batches`)."""
    out: list[Reading] = [("", [])] * len(crops)
    for batch in batches(crops):
        for i, reading in zip(batch, recognise_batch(engine, crops, batch), strict=True):
            out[i] = reading
    return out
