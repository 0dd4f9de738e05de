"""Build what CloudFormation deploys: `make package STAGE=prod` → out/prod/{sam.json,deployment.zip}.

1. infra/resources.json (the data resources, also read by scripts/local_stack.py) and
   infra/platform.json (Cognito, alarms, queries, wiring, overrides of Chalice's own
   resources) become one merge template; infra/dashboard.json becomes the dashboard body.
2. requirements-vendor.txt is unpacked into vendor/ without dependencies (Linux wheels, each
   checked against the lock's hashes).
3. `chalice package --merge-template` writes the SAM template and the zip; it installs
   requirements.txt, the hash-locked runtime packages (scripts/lock.py), so pip checks every file.
   API Gateway's integrations are then pointed at the API function's SnapStart alias
   (invoke_through_alias).
4. The zip is rewritten without what the deployed code cannot use (TRIM_RULES, each with its
   reason) and with debug symbols stripped from native modules: 23.4 MB -> under 10 MB
   (docs/benchmarks.md, "Package"). tests/functional/test_deployed_zip.py runs the app from it.

    python scripts/package.py --stage prod --out out/prod
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("infra/resources.json", "infra/platform.json")
SECTIONS = ("Parameters", "Conditions", "Globals", "Resources", "Outputs")
VENDORED = ROOT / "vendor" / ".vendored"  # what the last run unpacked, removed before the next
OURS = re.compile(r"^(app\.py$|chalicelib/|templates/)")  # our own code and templates: never trimmed

# (pattern on the path inside the zip, why the deployed functions never need those files).
# The "never imported" claims come from an import trace (sys.modules after the whole test suite
# and a pack build); tests/functional/test_deployed_zip.py proves the trimmed zip still works.
TRIM_RULES: tuple[tuple[str, str], ...] = (
    (
        r"^font_source_sans_pro/files/(?!SourceSansPro-(Regular|Bold)\.ttf$|LICENSE\.txt$)",
        "chalicelib/dossier/pdf.py embeds SourceSansPro-Regular.ttf and -Bold.ttf only (STYLES); "
        "the other weights and the OTF copies are never opened (the licence stays)",
    ),
    (
        r"^fontTools/(cu2qu|qu2cu|ufoLib|voltLib|mtiLib|merge|t1Lib|diff)/"
        r"|^fontTools/(tfmLib|afmLib|fontBuilder|ttx|help|__main__)\.py$",
        "fontTools subpackages fpdf2 and pdf.py never import: font compilers, format converters, command-line tools",
    ),
    (r"^fontTools/.+\.(c|pyx|pxd)$", "Cython sources of fontTools' compiled modules: the .so runs"),
    (
        r"^stdnum/(?!fr/)[a-z]{2}_?/",
        "python-stdnum's country packages other than fr: we validate French SIRET/SIREN/TVA only "
        "(stdnum.fr needs only the shared top-level modules, which stay)",
    ),
    (r"^stdnum/[^/]+\.dat$", "python-stdnum's number databases (OUI, IMSI, IBAN, ISBN...): stdnum.fr reads none"),
    (
        r"^dns/",
        "dnspython: email-validator imports it only to check deliverability, which intake/form.py "
        "turns off (check_deliverability=False)",
    ),
    (r"^aws_lambda_powertools/event_handler/", "Powertools' API router and its Swagger UI assets: Chalice routes"),
    (
        r"^aws_lambda_powertools/utilities/(?!__init__\.py$|batch/|data_classes/|jmespath_utils/|parameters/|parser/|typing/)",
        "Powertools utilities nothing imports (idempotency, feature flags, streaming...); "
        "the worker uses batch, which pulls data_classes, jmespath_utils and parser types; "
        "the API reads its secrets with parameters",
    ),
    (r"^pydantic/v1/", "pydantic's bundled v1 API: nothing imports pydantic.v1"),
    (
        r"^PIL/_(avif|webp|imagingft|imagingtk|imagingmath|imagingmorph)\.cpython[^/]*\.so$"
        r"|^pillow\.libs/lib(avif|webp|webpmux|webpdemux|sharpyuv|freetype|harfbuzz|brotlicommon|brotlidec|png16)-",
        "Pillow's native plugins for AVIF, WebP, FreeType text, Tk, ImageMath and ImageMorph, and the "
        "libraries only they load (5 MB zipped under Python 3.13's Pillow 13): fpdf2 imports PIL.Image, "
        "ImageCms and TiffImagePlugin, which need _imaging (libjpeg, libtiff, libopenjp2, libxcb) and "
        "_imagingcms (lcms2) only; our documents embed no image, fpdf2 reads fonts with fontTools, and "
        "Pillow's AVIF and WebP plugins import their module inside try/except ImportError",
    ),
    (r"(^|/)tests?/", "test suites shipped inside packages"),
    (r"\.pyi$|(^|/)py\.typed$", "type stubs and their marker: read by type checkers only"),
    (r"(^|/)__pycache__/|\.pyc$", "bytecode from the build machine: the runtime compiles what it imports"),
    (
        r"\.dist-info/RECORD$",
        "pip's install manifest, read only to uninstall; METADATA and entry points "
        "stay for importlib.metadata (pydantic, ulid)",
    ),
)
TRIM = re.compile("|".join(f"(?:{pattern})" for pattern, _ in TRIM_RULES))


def merge_template() -> dict[str, Any]:
    """The infra/ parts as one template; a logical id defined twice is an error."""
    merged: dict[str, Any] = {}
    for part in PARTS:
        for key, value in json.loads((ROOT / part).read_text()).items():
            if key not in SECTIONS:
                merged[key] = value
                continue
            section = merged.setdefault(key, {})
            twice = sorted(set(section) & set(value))
            if twice:
                raise SystemExit(f"{part}: {key} {twice} already defined by an earlier part")
            section.update(value)
    dashboard = json.loads((ROOT / "infra" / "dashboard.json").read_text())
    merged["Resources"]["Dashboard"]["Properties"]["DashboardBody"] = {
        "Fn::Sub": json.dumps(dashboard, separators=(",", ":"), ensure_ascii=False)
    }
    return merged


def vendor_wheels(build: Path) -> list[str]:
    """Unpack requirements-vendor.txt (Linux wheels for this Python, no dependencies) into vendor/."""
    wheels = build / "vendor-wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--require-hashes",
            "--only-binary=:all:",
            "--platform",
            "manylinux2014_x86_64",
            "--implementation",
            "cp",
            "--python-version",
            python,
            "-r",
            str(ROOT / "requirements-vendor.txt"),
            "-d",
            str(wheels),
        ],
        check=True,
    )
    vendor = ROOT / "vendor"
    vendor.mkdir(exist_ok=True)
    if VENDORED.exists():
        for name in VENDORED.read_text().split():
            shutil.rmtree(vendor / name, ignore_errors=True)
    names: set[str] = set()
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(vendor)
            names |= {n.split("/")[0] for n in zf.namelist()}
    VENDORED.write_text("\n".join(sorted(names)) + "\n")
    return sorted(names)


def package(stage: str, out: Path) -> None:
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    template = build / "merge-template.json"
    template.write_text(json.dumps(merge_template(), indent=1, ensure_ascii=False) + "\n")
    vendor_wheels(build)
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-3")}
    env.pop("AWS_ENDPOINT_URL", None)
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run(
        [str(chalice), "package", "--stage", stage, "--merge-template", str(template), str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    sam = json.loads((out / "sam.json").read_text())
    invoke_through_alias(sam)
    (out / "sam.json").write_text(json.dumps(sam, indent=2) + "\n")


def invoke_through_alias(template: dict[str, Any]) -> int:
    """Point API Gateway's integrations at the API function's alias; the number of integrations changed.

    infra/platform.json gives APIHandler an AutoPublishAlias for SnapStart, which applies to
    published versions only; Chalice writes every integration URI against the unqualified function
    (`${APIHandler.Arn}`, i.e. $LATEST, never snapshotted). SAM does not resolve `${APIHandler.Alias}`
    inside an API's DefinitionBody, so the URI names the alias SAM generates, by its documented
    logical id `<function>Alias<alias name>` (its Ref is the alias's ARN). Without an AutoPublishAlias
    (SnapStart turned off) the template is left as it is.
    """
    alias = template["Resources"]["APIHandler"]["Properties"].get("AutoPublishAlias")
    if not alias:
        return 0
    changed = 0
    for methods in template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"].values():
        for operation in methods.values():
            uri = operation.get("x-amazon-apigateway-integration", {}).get("uri", {})
            if "${APIHandler.Arn}" in uri.get("Fn::Sub", ""):
                uri["Fn::Sub"] = uri["Fn::Sub"].replace("${APIHandler.Arn}", f"${{APIHandlerAlias{alias}}}")
                changed += 1
    return changed


def trimmed(name: str) -> bool:
    return not OURS.match(name) and bool(TRIM.search(name))


def strip_native(data: bytes, strip: str) -> bytes:
    """A shared library without its symbol tables and debug sections (`strip --strip-unneeded`
    keeps what the dynamic loader needs); several wheels ship them unstripped (e.g. fontTools'
    bezierTools: 1.3 MB zipped -> 0.2 MB)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "module.so"
        path.write_bytes(data)
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
        return path.read_bytes()


def trim_zip(path: Path) -> tuple[int, int]:
    """Rewrite the zip in place, same order and metadata, without TRIM_RULES' files and with
    stripped native modules. Deterministic: the same input gives the same bytes. (before, after)."""
    strip = shutil.which("strip")
    if strip is None:
        raise SystemExit("`strip` (binutils) is needed to package: apt-get install binutils")
    before = path.stat().st_size
    trimmed_path = path.with_suffix(".trimmed.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(trimmed_path, "w") as target:
        for info in source.infolist():
            if trimmed(info.filename):
                continue
            data = source.read(info)
            if info.filename.endswith(".so") and not OURS.match(info.filename):
                data = strip_native(data, strip)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    trimmed_path.replace(path)
    return before, path.stat().st_size


def dependency_sizes(path: Path) -> list[tuple[str, int]]:
    """Compressed bytes per top-level name in the zip (a package, a module, a *.dist-info), largest first."""
    sizes: collections.Counter[str] = collections.Counter()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            sizes[info.filename.split("/")[0]] += info.compress_size
    return sizes.most_common()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default="prod", choices=["dev", "prod"])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = (args.out or ROOT / "out" / args.stage).resolve()
    package(args.stage, out)
    before, after = trim_zip(out / "deployment.zip")
    largest = ", ".join(f"{name} {size / 1e6:.2f}" for name, size in dependency_sizes(out / "deployment.zip")[:5])
    print(f"{out}/sam.json and {out}/deployment.zip ({after / 1e6:.1f} MB; {before / 1e6:.1f} MB before trimming)")
    print(f"largest (MB zipped): {largest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
