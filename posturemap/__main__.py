from posturemap.cli import run

run()
