"""The size limit of one report file, in one place.

The parser refuses a larger file before reading it (parser.api); `nianbao check` refuses it before
loading it, a season's ZIP skips such a member, and the bot's MAX_FILE_MB setting is capped by it.
"""

MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
