from tthc_cli.cli import run

run()
