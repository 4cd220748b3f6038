"""The interactive app. Everything that imports Textual lives in this package,
so `kqa -q` never pays for it; start it through `kqa.tui.launch.run`."""
