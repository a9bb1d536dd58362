"""Text and bytes built from core values: rows (JSON, CSV), terminal tables, the task view, history,
reports (text, Markdown, CSV, JSON, xlsx), the digest and the calendar. They build; they never write."""
