"""docker-compose.yml read as docker compose reads it, for tests that cannot run Docker.

``interpolate`` does compose's variable substitution (``${X}``, ``${X:-default}``,
``${X-default}``, ``${X:?error}``, ``${X?error}``, ``$$``); ``ComposeFile`` gives each
service's command, environment (the Dockerfile's ``ENV`` first, then the service's),
volumes and healthcheck, with YAML anchors and merge keys resolved by PyYAML."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth.hashers import PBKDF2PasswordHasher

ROOT = Path(__file__).resolve().parents[1]

_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


class MissingVariable(Exception):
    pass


def interpolate(text: str, variables: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        value = variables.get(name)
        unset_or_empty = value is None or (value == "" and operator and operator[0] == ":")
        if operator in (":-", "-"):
            return argument if unset_or_empty else value
        if operator in (":?", "?"):
            if unset_or_empty:
                raise MissingVariable(f"{name}: {argument}")
            return value
        return value or ""

    return _VARIABLE.sub(replace, text)


def dockerfile_env(path: Path = ROOT / "Dockerfile") -> dict[str, str]:
    """The ``ENV`` instructions' variables (``ENV A=1 \\ B=2`` form)."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip().upper().startswith("ENV "):
            for item in shlex.split(line.strip()[4:]):
                name, _, value = item.partition("=")
                found[name] = value
    return found


@dataclass
class Service:
    name: str
    spec: dict
    variables: dict[str, str]

    def _sub(self, value):
        return interpolate(str(value), self.variables)

    @property
    def command(self) -> list[str]:
        command = self.spec["command"]
        if isinstance(command, str):
            return shlex.split(self._sub(command))
        return [self._sub(part) for part in command]

    @property
    def environment(self) -> dict[str, str]:
        env = dict(dockerfile_env())
        spec = self.spec.get("environment") or {}
        if isinstance(spec, list):
            spec = dict(item.split("=", 1) for item in spec)
        env.update({key: self._sub(value) for key, value in spec.items()})
        return env

    @property
    def volumes(self) -> dict[str, str]:
        """Named volume → the path it is mounted at."""
        mounts = {}
        for item in self.spec.get("volumes") or []:
            source, target = str(item).split(":")[:2]
            mounts[source] = target
        return mounts

    @property
    def healthcheck(self) -> list[str] | None:
        check = self.spec.get("healthcheck")
        if not check or check.get("disable"):
            return None
        test = check["test"]
        if isinstance(test, str):
            return ["sh", "-c", self._sub(test)]
        kind, *rest = test
        rest = [self._sub(part) for part in rest]
        return ["sh", "-c", rest[0]] if kind == "CMD-SHELL" else rest


class ComposeFile:
    def __init__(self, variables: dict[str, str], path: Path = ROOT / "docker-compose.yml"):
        self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.variables = variables

    @property
    def names(self) -> list[str]:
        return list(self.data["services"])

    def service(self, name: str) -> Service:
        return Service(name, self.data["services"][name], self.variables)


class CheapPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's own algorithm with few iterations, for the people a test makes in a
    production-mode process: the stored hash carries its iteration count, so the web
    checks it as any pbkdf2_sha256 hash (and upgrades it at the first sign-in)."""

    iterations = 1000
