"""End to end (issue 14): 「属实」/「不是问题」 under a reply, the reason typed as a reply, undo by admins,
dismissals that survive the same file again and `nianbao reparse`, and what a corrected report fixed."""

from __future__ import annotations

import asyncio
import io
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from docgen import build_txt, make_spec  # noqa: E402
from docgen.spec import default_prose  # noqa: E402
from fake_api import ADMIN, STRANGER, USER, BotHarness  # noqa: E402

from bot import cli  # noqa: E402
from bot.telegram.review import PROMPT_MARK  # noqa: E402
from bot.telegram.texts import REFUSAL  # noqa: E402

AGENCY = "永宁县望远镇人民政府"
# Section 一 lists parts that add up to 65 under a total of 64: the TEXT-SUM warning, a judgement call
SUM = (
    "（六）信息发布。全年主动公开政府信息 {}条，其中，政府文件信息 2条，乡镇动态 17条，领导信息 3条，"
    "民生保障 41条，政府工作报告 2条。"
)


def _spec():
    spec = make_spec("review", 3, "2021", "永宁县人民政府", year=2024, scale="small")
    return replace(spec, agency=AGENCY, agency_short="望远镇")


def warned() -> bytes:
    """A sound report but for one TEXT-SUM warning."""
    spec = _spec()
    return build_txt(replace(spec, prose={"overview": default_prose(spec, "overview") + [SUM.format(64)]}))


def first_version() -> bytes:
    """Table 3's 办结总计 one over its parts (APP-ROW-TOTAL, and TEXT-TABLE against the prose), and TEXT-SUM."""
    spec = _spec()
    apps = spec.applications.model_copy(deep=True)
    apps.total_processed.total = (apps.total_processed.total or 0) + 1
    return build_txt(
        replace(
            spec, applications=apps, prose={"overview": default_prose(spec, "overview") + [SUM.format(64)]}
        )
    )


def corrected_version() -> bytes:
    """The total put right, TEXT-SUM left as it was, and section 六 now silent on fees (STRUCT-FEE)."""
    spec = _spec()
    return build_txt(
        replace(
            spec,
            prose={
                "overview": default_prose(spec, "overview") + [SUM.format(64)],
                "other_matters": ["本机关无其他需要报告的事项。"],
            },
        )
    )


def buttons(message) -> list[dict]:
    markup = message.reply_markup or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def finding_button(bot: BotHarness, chat: int, action: str, text: str):
    """(message, button) for the finding whose line in the reply has `text`: its row carries its number."""
    for m in bot.api.chat_messages(chat):
        for line in (m.text or "").splitlines():
            number, dot, rest = line.partition(". ")
            if dot and number.isdigit() and text in rest:
                for b in buttons(m):
                    if b["callback_data"].startswith(f"rv:{action}:") and b["callback_data"].endswith(
                        f":{number}"
                    ):
                        return m, b
    raise AssertionError(f"no {action} button for a finding with {text!r}")


async def season_line(bot: BotHarness) -> str:
    """The agency's line in /season's text, once its chart and workbook have come too (three messages): found
    by what they are, so none arrives late into the next step's replies."""
    before = {m.message_id for m in bot.api.chat_messages(USER)}
    bot.api.send_text("/season 2024", USER)

    def line() -> str | None:
        new = [m for m in bot.api.chat_messages(USER) if m.message_id not in before]
        text = next((m.text for m in new if m.text and "应报" in m.text and AGENCY in m.text), None)
        chart = any(m.photo is not None and "报送情况" in (m.caption or "") for m in new)
        workbook = any(m.document is not None and m.document[0].endswith(".xlsx") for m in new)
        return (
            next(row for row in text.splitlines() if AGENCY in row) if text and chart and workbook else None
        )

    return await bot.api.wait_for(line, what="/season's text and chart")


async def answered(bot: BotHarness, n_before: int) -> dict:
    calls = await bot.api.wait_for(
        lambda: (
            len(bot.api.called("answerCallbackQuery")) > n_before and bot.api.called("answerCallbackQuery")
        ),
        what="the button answered",
    )
    return calls[-1].params


async def test_dismissed_warning_stays_dismissed_after_resend_and_reparse(tmp_path):
    data = warned()
    async with BotHarness(tmp_path) as bot:
        up = bot.api.send_file(data, "望远镇2024.txt", USER)
        replies = await bot.reply_to_file(up)
        assert "0 个错误、1 个提示" in replies[0].text
        assert "1 个提示" in await season_line(bot)

        message, dismiss = finding_button(bot, USER, "n", "其后列出的各项")
        assert len(dismiss["callback_data"].encode()) <= 64
        key = dismiss["callback_data"].split(":")[2]

        # a stranger's press is refused with an answer, and nothing changes
        n = len(bot.api.called("answerCallbackQuery"))
        bot.api.click(message.message_id, dismiss["callback_data"], STRANGER)
        refused = await answered(bot, n)
        assert refused["text"] == REFUSAL and refused["show_alert"] in (True, "true")
        assert "1 个提示" in await season_line(bot)

        # staff press 「不是问题」, then type the reason as a reply to the prompt
        n = len(bot.api.called("answerCallbackQuery"))
        bot.api.click(message.message_id, dismiss["callback_data"], USER)
        assert "已排除" in (await answered(bot, n))["text"]
        prompt = await bot.api.wait_for(
            lambda: next((m for m in bot.api.chat_messages(USER) if m.text and PROMPT_MARK in m.text), None),
            what="the reason prompt",
        )
        assert key in prompt.text and prompt.reply_markup.get("force_reply")
        row = [b["text"] for b in buttons(bot.api.messages[message.message_id]) if key in b["callback_data"]]
        assert row and all("已排除" in t for t in row)  # the pressed finding's row shows its new state
        before = {m.message_id for m in bot.api.chat_messages(USER)}
        bot.api.send_text("分项口径不同，已与该镇核实", USER, reply_to=prompt.message_id)
        await bot.api.wait_for(
            lambda: any(
                m.message_id not in before and "已记录理由" in (m.text or "")
                for m in bot.api.chat_messages(USER)
            ),
            what="the reason recorded",
        )

        line = await season_line(bot)
        assert "未发现问题" in line and "提示" not in line

        # the same file again: the finding is listed apart, with who, when and why
        again = await bot.reply_to_file(bot.api.send_file(data, "望远镇2024（重发）.txt", USER))
        assert "0 个错误、0 个提示" in again[0].text and "1 个已核实不是问题" in again[0].text
        text = "\n".join(m.text for m in again if m.text)
        assert "【已排除】" in text and "用户1001" in text and "分项口径不同" in text
        undo = [b for m in again for b in buttons(m) if b["callback_data"].startswith("rv:u:")]
        assert [b["callback_data"].split(":")[2] for b in undo] == [key]
        issues = list(
            openpyxl.load_workbook(io.BytesIO(again[-1].document[1]))["问题清单"].iter_rows(
                min_row=2, values_only=True
            )
        )
        assert issues[0][1] == "TEXT-SUM" and issues[0][-1].startswith("已排除：用户1001")

        # `nianbao reparse` re-reads the original: the verdict is the finding's, not the row's
        code = await asyncio.to_thread(cli.main, ["reparse", "--db", str(bot.db), "--jobs", "1"])
        assert code == 0
        line = await season_line(bot)
        assert "未发现问题" in line
        shown = await bot.command("/show 望远镇 2024", count=2)
        assert "【已排除】" in "\n".join(m.text or "" for m in shown)

        # only an admin undoes it
        undo_message = next(
            m for m in again if any(b["callback_data"].startswith("rv:u:") for b in buttons(m))
        )
        before = {m.message_id for m in bot.api.chat_messages(USER)}
        bot.api.click(undo_message.message_id, undo[0]["callback_data"], USER)
        await bot.api.wait_for(
            lambda: any(
                m.message_id not in before and "只有管理员" in (m.text or "")
                for m in bot.api.chat_messages(USER)
            ),
            what="the refusal",
        )
        assert "未发现问题" in await season_line(bot)
        n = len(bot.api.called("answerCallbackQuery"))
        bot.api.click(undo_message.message_id, undo[0]["callback_data"], ADMIN, chat_id=USER)
        assert "重新计入" in (await answered(bot, n))["text"]
        assert "1 个提示" in await season_line(bot)
        (history,) = await bot.command("/history 望远镇 2024")
        log = history.text.split("核实记录：\n", 1)[1]
        assert "用户1001（@user1001）为 TEXT-SUM" in log and "补充理由：分项口径不同，已与该镇核实" in log
        assert log.splitlines()[-1].endswith("的「不是问题」标记") and "撤销了对" in log.splitlines()[-1]


async def test_confirm_and_undismiss_command(tmp_path):
    async with BotHarness(tmp_path) as bot:
        await bot.reply_to_file(bot.api.send_file(warned(), "望远镇2024.txt", USER))
        message, confirm = finding_button(bot, USER, "y", "其后列出的各项")
        key = confirm["callback_data"].split(":")[2]
        n = len(bot.api.called("answerCallbackQuery"))
        bot.api.click(message.message_id, confirm["callback_data"], USER)
        assert "属实" in (await answered(bot, n))["text"]
        assert "1 个提示" in await season_line(bot)  # a confirmed finding counts
        labels = [
            b["text"] for b in buttons(bot.api.messages[message.message_id]) if key in b["callback_data"]
        ]
        assert any("✓ 属实" in t for t in labels)

        _, dismiss = finding_button(bot, USER, "n", "其后列出的各项")
        bot.api.click(message.message_id, dismiss["callback_data"], USER)
        await bot.api.wait_for(
            lambda: any(PROMPT_MARK in (m.text or "") for m in bot.api.chat_messages(USER)), what="the prompt"
        )
        assert "未发现问题" in await season_line(bot)
        (refused,) = await bot.command(f"/undismiss {key}")
        assert "只有管理员" in refused.text
        (done,) = await bot.command(f"/undismiss {key}", ADMIN)
        assert "已撤销" in done.text and key in done.text
        assert "1 个提示" in await season_line(bot)
        (again,) = await bot.command(f"/undismiss {key}", ADMIN)
        assert "无需撤销" in again.text
        (usage,) = await bot.command("/undismiss", ADMIN)
        assert "用法" in usage.text

        # the undo took the verdict back, not its history: /history tells who said what, and when
        (history,) = await bot.command("/history 望远镇 2024")
        log = history.text.split("核实记录：\n", 1)[1].splitlines()
        assert [line.split(" ", 3)[3] for line in log] == [
            f"用户1001（@user1001）将 TEXT-SUM（overview，编号 {key}）标为「属实」",
            f"用户1001（@user1001）将 TEXT-SUM（overview，编号 {key}）标为「不是问题」",
            f"用户1002（@user1002）撤销了对 TEXT-SUM（overview，编号 {key}）的「不是问题」标记",  # the admin
        ]


async def test_corrected_report_is_told_what_it_fixed(tmp_path):
    async with BotHarness(tmp_path) as bot:
        first = await bot.reply_to_file(bot.api.send_file(first_version(), "望远镇2024.txt", USER))
        assert "1 个错误" in first[0].text and "🔁" not in "\n".join(m.text or "" for m in first)
        up = bot.api.send_file(corrected_version(), "望远镇2024（更正）.txt", USER)
        second = await bot.reply_to_file(up)
        assert "已替换" in second[0].text
        diff = second[1].text  # the reply starts with the difference
        assert diff.startswith("🔁") and "望远镇2024.txt" in diff
        assert "已改正 2 个，仍未改正 1 个，新出现 1 个问题；1 个单元格数值有变化" in diff
        fixed = diff.split("✅ 已改正")[1].split("⏳")[0]
        assert "表三" in fixed and "办结" in diff
        still = diff.split("⏳ 仍未改正")[1].split("🆕")[0]
        assert "64" in still and "65" in still  # the TEXT-SUM finding
        new = diff.split("🆕 新出现")[1].split("✏️")[0]
        assert "信息处理费" in new  # STRUCT-FEE
        cells = diff.split("✏️ 数值有变化的单元格")[1]
        assert "表三" in cells and "→" in cells

        (history,) = await bot.command("/history 望远镇 2024")
        lines = history.text.splitlines()
        assert "2 个版本" in lines[0]
        assert "望远镇2024.txt" in lines[1] and "已被替换" in lines[1] and "@user1001" in lines[1]
        assert "望远镇2024（更正）.txt" in lines[2] and "当前版本" in lines[2]
        (usage,) = await bot.command("/history 望远镇")
        assert usage.text.startswith("用法：/history")


async def test_a_dismissed_finding_is_not_counted_as_still_open(tmp_path):
    async with BotHarness(tmp_path) as bot:
        await bot.reply_to_file(bot.api.send_file(first_version(), "望远镇2024.txt", USER))
        message, dismiss = finding_button(bot, USER, "n", "其后列出的各项")
        bot.api.click(message.message_id, dismiss["callback_data"], USER)
        await bot.api.wait_for(
            lambda: any(PROMPT_MARK in (m.text or "") for m in bot.api.chat_messages(USER)), what="the prompt"
        )
        second = await bot.reply_to_file(bot.api.send_file(corrected_version(), "更正.txt", USER))
        assert "已改正 2 个，仍未改正 0 个，新出现 1 个问题" in second[1].text
        assert "0 个错误、1 个提示" in second[0].text and "1 个已核实不是问题" in second[0].text


def test_a_long_reply_carries_the_buttons_of_the_findings_each_message_lists():
    from bot.telegram.review import keyboard
    from parser.model import Finding, Report
    from parser.reply import LIMIT, reply_parts

    findings = [
        Finding(
            rule="TEXT-SUM",
            severity="warning",
            where=f"place{i}",
            message=f"第{i}处：" + "数字不一致。" * 20,
            quote="原文" * 30,
        )
        for i in range(1, 61)
    ]
    report = Report(agency=AGENCY, year=2024, findings=findings)
    parts = reply_parts(report)
    assert len(parts) > 3 and all(len(text) <= LIMIT for text, _ in parts)
    numbers = [n for _, listed in parts for n, _ in listed]
    assert numbers == list(range(1, 61))  # every finding listed once, in order
    for text, listed in parts:
        markup = keyboard(7, 2024, listed, {})
        rows = markup.inline_keyboard if markup else ()
        assert len(rows) == len(listed) <= 20
        for (n, f), row in zip(listed, rows, strict=True):
            assert (
                f"\n{n}. " in f"\n{text}" and f.message in text
            )  # the message lists the finding it has buttons for
            assert all(b.callback_data.endswith(f":{n}") and len(b.callback_data.encode()) <= 64 for b in row)


async def test_a_zip_sent_again_lists_the_dismissed_finding_apart(tmp_path):
    from season_data import windows_zip

    async with BotHarness(tmp_path) as bot:
        await bot.reply_to_file(bot.api.send_file(warned(), "望远镇2024.txt", USER))
        message, dismiss = finding_button(bot, USER, "n", "其后列出的各项")
        bot.api.click(message.message_id, dismiss["callback_data"], USER)
        await bot.api.wait_for(
            lambda: any(PROMPT_MARK in (m.text or "") for m in bot.api.chat_messages(USER)), what="the prompt"
        )
        up = bot.api.send_file(windows_zip([("年报/望远镇.txt", warned())]), "年报.zip", USER)
        replies = await bot.api.wait_for(
            lambda: (
                (r := bot.api.replies_to(up["message"]["message_id"])) and any(m.document for m in r) and r
            ),
            what="the reply to the ZIP",
        )
        text = "\n".join(m.text or "" for m in replies)
        assert "未发现问题 1 份" in text
        book = openpyxl.load_workbook(io.BytesIO(next(m for m in replies if m.document).document[1]))
        (issue,) = book["问题清单"].iter_rows(min_row=2, values_only=True)
        assert issue[2] == "TEXT-SUM" and issue[-1].startswith("已排除：用户1001")


async def test_findings_command_lists_findings_with_their_buttons(tmp_path):
    """/findings lists the stored reports' findings, each with its buttons; a verdict given there counts
    like one given under the reply, and the dismissed finding goes last, with who dismissed it."""
    async with BotHarness(tmp_path) as bot:
        (empty,) = await bot.command("/findings")
        assert empty.text == "全部机关（各年度当前版本）没有发现问题。"
        assert "用法" in (await bot.command("/findings 2023 2024"))[0].text
        assert "没有找到机关" in (await bot.command("/findings 不存在的镇"))[0].text

        await bot.reply_to_file(bot.api.send_file(first_version(), "望远镇2024.txt", USER))
        assert "1 个错误、2 个提示" in await season_line(bot)
        (listing,) = await bot.command("/findings 望远镇 2024")
        assert listing.text.startswith(f"📋 {AGENCY} 2024 年度的问题共 3 个：1 个错误、2 个提示。")
        numbered = [line for line in listing.text.splitlines() if line[:1].isdigit()]
        assert [line[:3] for line in numbered] == ["1. ", "2. ", "3. "]
        assert all(line.startswith(f"{line[:3]}{AGENCY} 2024年 · ") for line in numbered)
        assert "· 错误 · 表三「（七）总计」行" in numbered[0]
        assert len(buttons(listing)) == 6  # 属实 and 不是问题 for each

        number = next(line[0] for line in numbered if "其后列出的各项" in line)  # TEXT-SUM's
        (dismiss,) = [
            b for b in buttons(listing) if b["callback_data"].startswith("rv:n:") and b["text"][0] == number
        ]
        n = len(bot.api.called("answerCallbackQuery"))
        bot.api.click(listing.message_id, dismiss["callback_data"], USER)
        assert "已排除" in (await answered(bot, n))["text"]
        await bot.api.wait_for(
            lambda: next((m for m in bot.api.chat_messages(USER) if m.text and PROMPT_MARK in m.text), None),
            what="the reason prompt",
        )
        assert "1 个错误、1 个提示" in await season_line(bot)  # it counts like a press under the reply

        (again,) = await bot.command("/findings 2024")
        assert again.text.startswith(
            "📋 全部机关 2024 年度的问题共 3 个：1 个错误、1 个提示，另有 1 个已核实不是问题。"
        )
        last = [line for line in again.text.splitlines() if line[:1].isdigit()][-1]
        assert last.startswith("3. ") and "其后列出的各项" in last
        assert again.text.splitlines()[-1].startswith("　已排除：用户1001")
        assert [b["text"] for b in buttons(again)][-1] == "3 已排除 · 撤销"


def test_findings_are_listed_over_several_messages_and_at_most_max_listed():
    from bot import review
    from storage.reviews import Identity, Review, StoredFinding

    def finding(n: int, dismissed: bool = False) -> StoredFinding:
        identity = Identity(1, 2024, "TEXT-SUM", f"overview.{n}")
        verdict = (
            Review(identity, "dismissed", "tg:1", "张三", "2025-01-20T01:30:00+00:00") if dismissed else None
        )
        return StoredFinding(identity, "某镇人民政府", 1, "warning", f"问题{n}", None, None, verdict)

    found = [finding(n, dismissed=n < 5) for n in range(70)]
    parts = review.findings_parts(found, "全部机关 2024 年度")
    assert parts[0][0].startswith(
        "📋 全部机关 2024 年度的问题共 70 个：0 个错误、65 个提示，另有 5 个已核实不是问题。"
    )
    assert f"仅列出前 {review.MAX_LISTED} 个" in parts[0][0]
    numbers = [n for _, listed in parts for n, _ in listed]
    assert numbers == list(range(1, review.MAX_LISTED + 1))
    assert all(0 < len(listed) <= review.PER_MESSAGE for _, listed in parts)
    assert all(len(text) <= 4096 for text, _ in parts)
    listed = [f for _, part in parts for _, f in part]
    assert not any(f.dismissed for f in listed)  # the open ones first: the 5 dismissed fall past the cap
    short = review.findings_parts(found[:7], "某镇人民政府")
    assert len(short) == 1 and [f.message for _, f in short[0][1]][-5:] == [f"问题{n}" for n in range(5)]
    assert short[0][0].endswith("　已排除：张三，2025-01-20 09:30")
    # a long reason typed as a reply is cut short, so a message stays within Telegram's limit
    long = StoredFinding(
        found[0].identity,
        "某镇人民政府",
        1,
        "warning",
        "问题",
        None,
        None,
        replace(found[0].review, reason="理" * 4000),
    )
    ((text, _),) = review.findings_parts([long] * 3, "某镇人民政府")
    assert len(text) < 4096 and text.endswith("理…")


async def _choose(bot: BotHarness, command: str, agency: str, data_end: str):
    """Send `command`, press the keyboard's button for `agency` (its data ending in `data_end`), and
    return the first message that follows."""
    (choice,) = await bot.command(command)
    assert "匹配到 2 个机关" in choice.text
    (pick,) = [b for b in buttons(choice) if b["text"].startswith(agency)]
    assert pick["callback_data"].startswith("fnd:") and pick["callback_data"].endswith(data_end)
    before = {m.message_id for m in bot.api.chat_messages(USER)}
    bot.api.click(choice.message_id, pick["callback_data"], USER)
    return await bot.api.wait_for(
        lambda: next((m for m in bot.api.chat_messages(USER) if m.message_id not in before and m.text), None),
        what=f"the findings of {agency}",
    )


async def test_findings_of_a_name_several_agencies_share_are_chosen_by_button(tmp_path):
    other = replace(_spec(), agency="永宁县望洪镇人民政府", agency_short="望洪镇")
    async with BotHarness(tmp_path) as bot:
        await bot.reply_to_file(bot.api.send_file(first_version(), "望远镇2024.txt", USER))
        await bot.reply_to_file(bot.api.send_file(build_txt(other), "望洪镇2024.txt", USER))
        listing = await _choose(bot, "/findings 永宁县 2024", AGENCY, ":2024")
        assert listing.text.startswith(f"📋 {AGENCY} 2024 年度的问题共 3 个")
        listing = await _choose(bot, "/findings 永宁县", "永宁县望洪镇", ":")  # no year: every year's
        assert listing.text == "永宁县望洪镇人民政府（各年度当前版本）没有发现问题。"
