# User registry: usernames, password hashes, the users.xlsx workbook.
