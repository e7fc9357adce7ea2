from posturemap.cli import main

raise SystemExit(main())
