"""Format readers: bytes in, `parser.layout.Document` out."""
