"""Reference answers for the chapters' exercises (not shown in the book)."""
