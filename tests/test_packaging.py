"""The shipped parks and web assets are found from an installed wheel, not only a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_data_and_assets_and_finds_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    wheel = next(tmp_path.glob("eco_park-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "dashboard/_data/kalundborg/exchanges.csv" in names
    assert "dashboard/_data/ulsan/park.toml" in names
    assert any(n.startswith("dashboard/_assets/") and n.endswith(".css") for n in names)
    # Unpacked without the checkout next to it, the package finds its own copies.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import dashboard.paths as p; print(p.shipped_park()); print(p.assets_dir())")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, timeout=60)
    park_path, assets_path = done.stdout.split()
    assert park_path.startswith(str(target)) and Path(park_path, "park.toml").is_file()
    assert assets_path.startswith(str(target)) and any(Path(assets_path).glob("*.css"))
