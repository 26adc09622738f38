"""infra/package.py on small zips of its own: a distribution leaves by its RECORD, whole,
and nothing else leaves; the chosen sources get bytecode Python uses as it is; a
distribution that is not there is an error, not a no-op."""

from __future__ import annotations

import zipfile

import pytest

from infra.package import NOT_SHIPPED, leave_out, shipped_distributions

RECORD_LINE = "{path},sha256=x,1\n"


def _zip(path, files: dict[str, str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o755 << 16 if name.endswith(".so") else 0o644 << 16
            z.writestr(info, text)
    return path


def _record(*paths: str) -> str:
    return "".join(RECORD_LINE.format(path=p) for p in paths)


@pytest.fixture
def package(tmp_path):
    return _zip(
        tmp_path / "deployment.zip",
        {
            "app.py": "import chalicelib\n",
            "cffi/__init__.py": "",
            "_cffi_backend.cpython-311-aarch64-linux-gnu.so": "\x7fELF",
            "cffi-2.1.1.dist-info/METADATA": "Name: cffi\n",
            "cffi-2.1.1.dist-info/RECORD": _record(
                "cffi/__init__.py",
                "_cffi_backend.cpython-311-aarch64-linux-gnu.so",
                "cffi-2.1.1.dist-info/METADATA",
                "cffi-2.1.1.dist-info/RECORD",
                "../../bin/not-in-the-zip",
            ),
            "cffi_helpers/__init__.py": "",  # another package whose name starts the same
            "PyJWT-2.10.1.dist-info/RECORD": _record("jwt/__init__.py"),
            "jwt/__init__.py": "",
        },
    )


def test_a_distribution_leaves_with_every_file_of_its_record_and_nothing_else(package):
    dropped = leave_out(package, ["cffi"])
    assert dropped == [
        "_cffi_backend.cpython-311-aarch64-linux-gnu.so",
        "cffi-2.1.1.dist-info/METADATA",
        "cffi-2.1.1.dist-info/RECORD",
        "cffi/__init__.py",
    ]
    with zipfile.ZipFile(package) as z:
        assert z.testzip() is None
        assert sorted(z.namelist()) == [
            "PyJWT-2.10.1.dist-info/RECORD",
            "app.py",
            "cffi_helpers/__init__.py",
            "jwt/__init__.py",
        ]
        assert z.read("app.py") == b"import chalicelib\n"
        assert z.getinfo("app.py").external_attr >> 16 == 0o644
    assert set(shipped_distributions(zipfile.ZipFile(package).namelist())) == {"pyjwt"}


def test_names_compare_as_pep_503_says(package):
    assert leave_out(package, ["PyJWT"]) == ["PyJWT-2.10.1.dist-info/RECORD", "jwt/__init__.py"]


def test_a_distribution_that_is_not_in_the_zip_is_an_error(package):
    with pytest.raises(LookupError, match="cryptography"):
        leave_out(package, ["cffi", "cryptography"])
    with zipfile.ZipFile(package) as z:
        assert "cffi/__init__.py" in z.namelist()  # nothing was rewritten


def test_every_distribution_left_out_says_why():
    assert NOT_SHIPPED and all(len(reason) > 10 for reason in NOT_SHIPPED.values())


def test_bytecode_is_added_for_the_chosen_sources_and_used_without_the_source(tmp_path):
    """An unchecked-hash ``.pyc`` beside each chosen source: a fresh interpreter imports
    it even when the source beside it says otherwise (as Lambda's read-only /var/task
    could not compile and cache it); a source not chosen gets none."""
    import subprocess
    import sys

    from infra.package import add_bytecode

    package = _zip(
        tmp_path / "deployment.zip",
        {
            "app.py": "WHO = 'app'\n",
            "chalicelib/__init__.py": "",
            "chalicelib/rules.py": "WHO = 'rules'\n",
            "fast-1.0.dist-info/RECORD": _record("fast/__init__.py", "fast-1.0.dist-info/RECORD"),
            "fast/__init__.py": "WHO = 'fast'\n",
            "slow-1.0.dist-info/RECORD": _record("slow/__init__.py"),
            "slow/__init__.py": "WHO = 'slow'\n",
        },
    )
    assert add_bytecode(package, ["fast"], ["app.py", "chalicelib/"]) == 4
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(package) as z:
        z.testzip()
        pycs = sorted(n for n in z.namelist() if n.endswith(".pyc"))
        assert pycs == [
            f"__pycache__/app.{tag}.pyc",
            f"chalicelib/__pycache__/__init__.{tag}.pyc",
            f"chalicelib/__pycache__/rules.{tag}.pyc",
            f"fast/__pycache__/__init__.{tag}.pyc",
        ]
        flags = int.from_bytes(z.read(pycs[0])[4:8], "little")
        assert flags == 0b01  # PEP 552: hash-based, source not checked
        task = tmp_path / "task"
        z.extractall(task)
    for name in ("app.py", "chalicelib/rules.py", "fast/__init__.py", "slow/__init__.py"):
        (task / name).write_text("WHO = 'the source'\n")
    done = subprocess.run(
        [sys.executable, "-S", "-c", "import app, chalicelib.rules, fast, slow;"
         "print(app.WHO, chalicelib.rules.WHO, fast.WHO, slow.WHO)"],
        cwd=task, env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""}, capture_output=True,
        text=True, check=True,
    )
    assert done.stdout.split() == ["app", "rules", "fast", "the", "source"]


def test_bytecode_of_a_distribution_that_is_not_in_the_zip_is_an_error(package):
    from infra.package import add_bytecode

    with pytest.raises(LookupError, match="botocore"):
        add_bytecode(package, ["botocore"], [])
