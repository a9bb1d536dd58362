from tthc_cli.cli import main

main()
