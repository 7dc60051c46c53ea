#!/usr/bin/env python3
"""Checks the packages in a feed folder: python3 eng/check-packages.py FEED VERSION COMMIT.

For every Vmm package: the .nupkg and .snupkg exist; the nuspec has a description, tags, the license expression, the
README, the project URL and the repository URL with the commit; a library carries its assembly, XML docs and README
and its symbols package a PDB whose SourceLink points at the repository at that commit; the tool carries vmm and its
tool settings. Links from a package README into the repository must name files that exist."""
import pathlib
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

feed, version, commit = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
root = pathlib.Path(__file__).resolve().parent.parent
props = (root / "Directory.Build.props").read_text(encoding="utf-8")
repository = re.search(r"<RepositoryUrl>([^<]+)</RepositoryUrl>", props).group(1)
libraries = ["Vmm.Memory", "Vmm.Kvm", "Vmm.Devices", "Vmm.Virtio", "Vmm.Loader"]
errors = []


def check(condition, message):
    if not condition:
        errors.append(message)


def nuspec(archive, package):
    text = archive.read(f"{package}.nuspec").decode("utf-8-sig")
    return ET.fromstring(re.sub(r' xmlns="[^"]+"', "", text, count=1)).find("metadata")


for package in libraries + ["Vmm.Reference"]:
    nupkg, snupkg = feed / f"{package}.{version}.nupkg", feed / f"{package}.{version}.snupkg"
    if not nupkg.exists() or not snupkg.exists():
        errors.append(f"{package}: {nupkg.name} or {snupkg.name} missing")
        continue
    with zipfile.ZipFile(nupkg) as archive:
        names = set(archive.namelist())
        meta = nuspec(archive, package)
        for field in ("description", "tags", "readme", "projectUrl"):
            check((meta.findtext(field) or "").strip(), f"{package}: nuspec has no {field}")
        license = meta.find("license")
        check(license is not None and license.get("type") == "expression" and license.text == "Apache-2.0", f"{package}: license expression")
        repo = meta.find("repository")
        check(repo is not None and repo.get("url") == repository and repo.get("commit") == commit, f"{package}: repository url/commit")
        check("README.md" in names, f"{package}: README.md missing")
        readme = archive.read("README.md").decode("utf-8") if "README.md" in names else ""
        for link in re.findall(re.escape(repository) + r"/blob/main/([^)\s#]+)", readme):
            check((root / link).exists(), f"{package}: README links to {link}, which does not exist")
        if package == "Vmm.Reference":
            types = meta.find("packageTypes")
            check(types is not None and any(t.get("name") == "DotnetTool" for t in types), f"{package}: not a DotnetTool package")
            check("tools/net10.0/any/vmm.dll" in names and "tools/net10.0/any/DotnetToolSettings.xml" in names, f"{package}: tool files missing")
            check(b'Name="vmm"' in archive.read("tools/net10.0/any/DotnetToolSettings.xml"), f"{package}: tool command is not vmm")
        else:
            for name in (f"lib/net10.0/{package}.dll", f"lib/net10.0/{package}.xml"):
                check(name in names, f"{package}: {name} missing")
            check(readme.startswith(f"# {package}\n") and "```csharp" in readme, f"{package}: README is not the package README with an example")
    if package in libraries:
        with zipfile.ZipFile(snupkg) as archive:
            pdb = f"lib/net10.0/{package}.pdb"
            content = archive.read(pdb) if pdb in archive.namelist() else b""
            owner_repo = repository.removeprefix("https://github.com/")
            check(f"https://raw.githubusercontent.com/{owner_repo}/{commit}/".encode() in content, f"{package}: {pdb} has no SourceLink to {repository} at {commit}")

for error in errors:
    print(f"check-packages: {error}")
sys.exit(1 if errors else 0)
