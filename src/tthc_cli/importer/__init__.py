"""Importing plan documents (.docx, text exports) into plan files."""
