"""Scan: list the source files of a repo, and say which were skipped and why.

In a git work tree the files are what ``git ls-files --cached --others
--exclude-standard`` lists (tracked and untracked, not ignored); elsewhere a walk
that honours every ``.gitignore`` on the way. Vendored and tool trees are skipped.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import git
import pathspec

from graphsvc.errors import InputError, PathError
from parsers import registry

__all__ = ["GitInfo", "ScanResult", "ScannedFile", "changed_since", "commits_between", "rescan", "scan"]

# Directories that hold other people's code or tool output, never the repo's own.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs",
})


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """A source file to index: POSIX path relative to the root, language, size in bytes."""

    path: str
    lang: str
    size: int
    mtime_ns: int = 0
    inode: int = 0


@dataclass(frozen=True, slots=True)
class GitInfo:
    """What git says about the tree: the commit checked out, the branch, the origin URL."""

    head_commit: str
    branch: str
    url: str


@dataclass
class ScanResult:
    """The files of a tree that a run indexes, and those it skipped with the reason."""

    root: Path
    files: list[ScannedFile] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> reason
    git: GitInfo | None = None
    project_files: list[str] = field(default_factory=list)
    trusted_unchanged: set[str] = field(default_factory=set)  # unchanged per `git diff` (--since)

    def skipped_by_reason(self) -> dict[str, int]:
        """Counts of skipped files per reason."""
        return dict(sorted(Counter(self.skipped.values()).items()))


def _git_files(root: Path) -> tuple[list[str], GitInfo | None] | None:
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    cmd = git.Git(str(root))
    if root != Path(repo.working_dir).resolve():
        try:
            # A tree the enclosing repo ignores (a vendored copy, a download cache) is walked instead.
            cmd.check_ignore("-q", str(root))
            repo.close()
            return None
        except git.GitCommandError:
            pass
    try:
        out = cmd.ls_files("-z", "--cached", "--others", "--exclude-standard")
    except git.GitCommandError:
        repo.close()
        return None
    paths = [p for p in out.split("\0") if p]
    try:
        head = repo.head.commit.hexsha
    except ValueError:
        head = ""
    try:
        branch = repo.active_branch.name
    except TypeError:
        branch = ""
    url = ""
    if repo.remotes:
        try:
            url = next(iter(repo.remotes[0].urls), "")
        except git.GitCommandError:
            url = ""
    repo.close()
    return paths, GitInfo(head_commit=head, branch=branch, url=url)


def _walk_files(root: Path) -> list[str]:
    paths: list[str] = []
    specs: list[tuple[str, pathspec.PathSpec]] = []
    top = str(root)

    def ignored(rel: str, is_dir: bool) -> bool:
        for base, spec in specs:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:] if base else rel
            if spec.match_file(sub + ("/" if is_dir else "")):
                return True
        return False

    # ``os.walk`` (not following links) by hand: it reads each subdirectory's stat again to tell a link
    # (3,200 calls on Django), which the directory entry tells already.
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        dirnames: list[str] = []
        filenames: list[str] = []
        try:
            with os.scandir(f"{top}/{rel_dir}" if rel_dir else top) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        filenames.append(entry.name)
                    elif not entry.is_symlink():  # a link to a directory is neither walked nor listed
                        dirnames.append(entry.name)
        except OSError:
            continue
        if ".gitignore" in filenames:
            try:
                with open(f"{top}/{rel_dir}/.gitignore" if rel_dir else f"{top}/.gitignore", encoding="utf-8",
                          errors="replace") as fh:
                    specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())))
            except OSError:
                pass
        prefix = rel_dir + "/" if rel_dir else ""
        paths.extend(prefix + f for f in sorted(filenames) if not (specs and ignored(prefix + f, False)))
        pending.extend(prefix + d for d in sorted(dirnames, reverse=True)
                       if d not in SKIP_DIRS and not (specs and ignored(prefix + d, True)))
    return paths


def scan(root: Path, languages: list[str] | None = None, max_size: int = 1_000_000) -> ScanResult:
    """List the source files under ``root``.

    Raises:
        PathError: ``root`` does not exist or is not a directory.
    """
    if not root.exists():
        raise PathError(f"path '{root}' does not exist", suggestion="give the directory of a repository")
    if not root.is_dir():
        raise PathError(f"'{root}' is a file, not a directory", suggestion="give the directory of a repository")
    root = root.resolve()
    result = ScanResult(root=root)
    found = _git_files(root)
    if found is not None:
        paths, result.git = found
    else:
        paths = _walk_files(root)
    wanted = set(languages) if languages else None
    markers = {n for spec in registry.LANGUAGES for n in spec.project_files}
    top = str(root)
    for rel in sorted(set(paths)):
        parts = rel.split("/")
        if any(p in SKIP_DIRS for p in parts[:-1]):
            continue
        if parts[-1] in markers:
            result.project_files.append(rel)
        spec = registry.by_extension(os.path.splitext(rel)[1])
        if spec is None or (wanted is not None and spec.name not in wanted):
            continue
        try:
            st = os.lstat(f"{top}/{rel}")  # (a Path per file costs more than the call)
            if stat.S_ISLNK(st.st_mode):
                full = root / rel
                target = full.resolve()
                if not target.is_relative_to(root):
                    result.skipped[rel] = "symlink out of the repo"
                    continue
                st = full.stat()
        except OSError:
            result.skipped[rel] = "unreadable"
            continue
        if not stat.S_ISREG(st.st_mode):
            result.skipped[rel] = "not a regular file"
            continue
        if st.st_size > max_size:
            result.skipped[rel] = "too large"
            continue
        result.files.append(ScannedFile(path=rel, lang=spec.name, size=st.st_size, mtime_ns=st.st_mtime_ns,
                                        inode=st.st_ino))
    return result


def rescan(previous: ScanResult, changed: set[str], languages: list[str] | None = None,
           max_size: int = 1_000_000) -> ScanResult | None:
    """``previous`` brought up to date for the files in ``changed`` (paths relative to the root),
    or None when only a full ``scan`` can tell: a path it has not seen that exists (it may be
    ignored, or new), or a project file or ``.gitignore`` (they change what is scanned)."""
    markers = {n for spec in registry.LANGUAGES for n in spec.project_files} | {".gitignore"}
    wanted = set(languages) if languages else None
    files = {f.path: f for f in previous.files}
    skipped = dict(previous.skipped)
    for rel in sorted(changed):
        if rel.rsplit("/", 1)[-1] in markers:
            return None
        known = rel in files or rel in skipped
        full = previous.root / rel
        try:
            st = full.lstat()
        except OSError:
            files.pop(rel, None)  # gone (or a temporary file an editor renamed away)
            skipped.pop(rel, None)
            continue
        if not known:
            return None
        spec = registry.by_extension(os.path.splitext(rel)[1])
        if spec is None or (wanted is not None and spec.name not in wanted) or stat.S_ISLNK(st.st_mode):
            return None
        files.pop(rel, None)
        skipped.pop(rel, None)
        if not stat.S_ISREG(st.st_mode):
            skipped[rel] = "not a regular file"
        elif st.st_size > max_size:
            skipped[rel] = "too large"
        else:
            files[rel] = ScannedFile(path=rel, lang=spec.name, size=st.st_size, mtime_ns=st.st_mtime_ns,
                                     inode=st.st_ino)
    return ScanResult(root=previous.root, files=[files[p] for p in sorted(files)], skipped=skipped,
                      git=previous.git, project_files=list(previous.project_files))


def changed_since(root: Path, ref: str) -> set[str]:
    """Paths under ``root`` (relative to it) that differ between ``ref`` and the working tree.

    Covers modified, added, deleted and renamed files (both sides of a rename) and
    untracked files.

    Raises:
        InputError: ``root`` is not in a git work tree, or ``ref`` names no commit.
    """
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise InputError(f"--since needs a git work tree, and '{root}' is not in one",
                         suggestion="drop --since and use --incremental") from exc
    try:
        cmd = git.Git(str(root))
        try:
            cmd.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
        except git.GitCommandError as exc:
            raise InputError(f"unknown git ref '{ref}'", where=str(root),
                             suggestion="give a commit, branch or tag that exists (see `git log`)") from exc
        out = cmd.diff("--name-status", "-z", "-M", "--relative", ref, "--", ".")
        untracked = cmd.ls_files("-z", "--others", "--exclude-standard")
    finally:
        repo.close()
    changed: set[str] = set()
    fields = out.split("\0")
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if not status:
            i += 1
            continue
        if status[0] in "RC":
            changed.update(fields[i + 1:i + 3])
            i += 3
        else:
            changed.add(fields[i + 1])
            i += 2
    changed.update(p for p in untracked.split("\0") if p)
    return changed


def commits_between(root: Path, old: str, new: str = "HEAD") -> tuple[int, int] | None:
    """How many commits and files under ``root`` lie between ``old`` and ``new``; None without git."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        cmd = git.Git(str(root))
        commits = int(cmd.rev_list("--count", f"{old}..{new}", "--", "."))
        files = [p for p in cmd.diff("--name-only", "-z", "--relative", old, new, "--", ".").split("\0") if p]
        return commits, len(files)
    except (git.GitCommandError, ValueError):
        return None
    finally:
        repo.close()
