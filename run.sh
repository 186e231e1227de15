#!/usr/bin/env bash
# One entry point for a fresh Debian machine:
#   ./run.sh        install what is missing, then start the bot (BOT_TOKEN in .env) or show a demo
#   ./run.sh test   install what is missing, then run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

install() {
    local for_tests="${1:-}" need=()
    # Debian's python3 ships venv without ensurepip until python3-venv is installed
    python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
    # LibreOffice converts DOC/WPS files and renders the PDFs the tests check; CJK fonts render Chinese
    command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
    # pdftotext: the tests check reports extracted to text the ways clerks do it
    command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
    # Chromium prints web pages to PDF the way browsers do, for the tests of browser-printed reports
    if [ -n "$for_tests" ] && ! command -v chromium >/dev/null 2>&1; then
        need+=(chromium)
    fi
    if ! command -v fc-list >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
        need+=(fonts-noto-cjk fontconfig)
    fi
    if ((${#need[@]})); then
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        echo "== installing Debian packages: ${need[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,ocr]"
}

case "${1:-run}" in
    install)  # what .ci/run uses before linting
        install tests
        ;;
    test)
        install tests
        shift || true
        exec .venv/bin/python -m pytest -q "$@"
        ;;
    run)
        install
        exec .venv/bin/nianbao run
        ;;
    *)
        echo "usage: ./run.sh [run|test|install]" >&2
        exit 2
        ;;
esac
