"""The ``kiosk`` command with every subcommand: the core's (``kiosk.cli``) plus those that need
the outer layers — the UI (run, tour), printing (print), voice and the self-check.

The forms and outputs are the ones in docs/spec/cli-contract.md; the core parses them all, this
module supplies the handlers the core may not import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import cli as core
from kiosk.cli import UsageError


def cmd_print(args: argparse.Namespace) -> int:
    """Render a sample document; write it out or print it on a CUPS queue and wait."""
    if bool(args.out) == bool(args.printer):
        raise UsageError("give exactly one of --out FILE.pdf or --printer NAME")
    from printing.samples import render_sample

    pdf, title = render_sample(args.sample)
    if args.out:
        try:
            Path(args.out).write_bytes(pdf)
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc}") from None
        print(f"wrote {args.out} ({len(pdf)} bytes)")
        return 0
    import tempfile

    from printing.printers import CupsPrinter, Spool

    with tempfile.TemporaryDirectory() as tmp:
        printer = CupsPrinter(args.printer, Spool(Path(tmp) / "spool"))
        result = printer.print_pdf(pdf, title, timeout_s=args.timeout)
    if result.ok:
        print(f"printed on {args.printer}: job {result.job_id}")
        return 0
    print(f"error: {result.message} ({result.state}: {result.detail})", file=sys.stderr)
    return 1


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size must look like 1920x1080, not {text!r}") from None
    if not (320 <= w <= 8000 and 320 <= h <= 8000):
        raise UsageError("--size must be between 320 and 8000 pixels each way")
    return w, h


def cmd_tour(args: argparse.Namespace) -> int:
    from ui.tour import ScreensDoNotFit, run_tour

    try:
        shots = run_tour(Path(args.out), _size(args.size), args.lang, args.elder)
    except ScreensDoNotFit as exc:  # the pictures are taken all the same, to look at
        for path in exc.shots:
            print(path)
        print(exc, file=sys.stderr)
        return 1
    for path in shots:
        print(path)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Start the kiosk: demo mode, or the terminal described by --config."""
    config = core.startup_config(args)  # refuses a bad config or device before any window
    from ui.app import run

    return run(config)


def _voice_engine(args: argparse.Namespace):
    from voice.engine import VoiceEngine

    model = Path(args.model)
    if not (model / "am").is_dir():
        raise UsageError(f"no vosk model in {model} (needs am/, conf/, graph/, ivector/)")
    return VoiceEngine(model, core._engine(args.catalog))


def cmd_voice_transcribe(args: argparse.Namespace) -> int:
    from voice.audio import AudioUnavailable, WavSource

    try:
        source = WavSource(Path(args.file))
    except AudioUnavailable as exc:
        raise UsageError(str(exc)) from None
    engine = _voice_engine(args)
    heard = engine.listen(source, max_seconds=max(source.seconds + 1, 8.0))
    hits = heard.result.hits if heard.result else []
    out = {
        "text": heard.text,
        "matched": heard.matched,
        "results": [
            {"id": h.matter.id, "name": h.matter.name, "score": round(h.score, 4)} for h in hits
        ],
        "decode_ms": round(heard.decode_ms, 1),
    }
    if heard.command:
        out["command"] = heard.command
    if args.json:
        core._print_json(out)
    else:
        print(f"听到:{heard.text or '(没有听清)'}")
        for h in hits:
            print(f"  {h.matter.name}  [{h.matter.id}]  {h.score:.2f}")
    return 0


def cmd_voice_check(args: argparse.Namespace) -> int:
    engine = _voice_engine(args)
    g = engine.grammar
    if args.json:
        core._print_json({"phrases": len(g.phrases), "missing": g.missing})
    else:
        print(f"{len(g.phrases)} phrases in the grammar; {len(g.missing)} cannot be said:")
        for phrase in g.missing:
            print(f"  {phrase}")
    return 0


def cmd_voice_install(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, default_data_dir, load_config
    from voice.models import ModelError, install_model

    if args.target:
        target = Path(args.target)
    elif args.config:  # the terminal's own data folder, where the kiosk looks for it
        try:
            target = load_config(Path(args.config)).data_dir / "voice-model"
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
    else:
        target = default_data_dir() / "voice-model"
    try:
        path = install_model(Path(args.zip), target, args.sha256)
    except ModelError as exc:
        raise UsageError(str(exc)) from None
    print(f"installed {args.zip} -> {path}")
    return 0


def cmd_selfcheck(args: argparse.Namespace) -> int:
    from app.selfcheck import run_checks
    from kiosk.config import ConfigError, load_config

    try:
        config = load_config(Path(args.config) if args.config else None)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    checks = run_checks(config)
    if args.json:
        core._print_json([c.__dict__ for c in checks])
    else:
        marks = {"ok": "✓", "warn": "!", "fail": "✗"}
        for c in checks:
            print(f"{marks[c.status]} {c.name:12} {c.detail}")
    return 1 if any(c.status == "fail" for c in checks) else 0


def unsayable_with(model: Path):
    """`catalog check --model`: the phrases of a catalog the voice model cannot say."""
    from voice.grammar import _CLEAN, build_grammar, model_vocabulary

    vocab = model_vocabulary(model)

    def unsayable(phrases: list[str]) -> list[str]:
        cleaned = {p: _CLEAN.sub(" ", p).strip() for p in phrases}
        return [p for p, c in cleaned.items() if c and build_grammar([c], vocab).missing]

    return unsayable


HANDLERS = {
    "run": cmd_run,
    "tour": cmd_tour,
    "print": cmd_print,
    "voice transcribe": cmd_voice_transcribe,
    "voice check": cmd_voice_check,
    "voice install-model": cmd_voice_install,
    "selfcheck": cmd_selfcheck,
    "unsayable": unsayable_with,
}


def main(argv: Sequence[str] | None = None) -> int:
    return core.main(argv, handlers=HANDLERS)


if __name__ == "__main__":
    sys.exit(main())
