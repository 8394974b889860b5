"""File formats to text: plain text in any of the encodings reports use, web pages, PDF and Word."""
