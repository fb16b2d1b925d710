"""Files in and out: 3W spreadsheets and organisation lists."""
