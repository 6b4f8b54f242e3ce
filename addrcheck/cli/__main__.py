from addrcheck.cli import entry

entry()
