"""The film's audio for smart assembly, encoded in parallel chunks that splice into one stream.

AAC (the native FFmpeg encoder) is single-threaded, and the film's audio is the biggest single
job of a smart join. It is therefore cut into chunks at points on the film's 1024-sample AAC
grid, and each chunk is encoded by its own FFmpeg process:

* a chunk is encoded from ``PRE_ROLL`` AAC frames *before* its start to ``POST_ROLL`` frames
  after its end, so the encoder has seen the same samples around every splice as a single pass
  would (an AAC frame only overlap-adds with its two neighbours);
* every chunk's input starts on the grid, so packet ``j`` of a chunk covers film samples
  ``[start + (j - 1) * 1024, start + j * 1024)`` (the encoder's priming delay is one frame);
* only the packets inside the chunk are kept: the first chunk keeps its priming packet, the
  others drop their priming and pre-roll packets. The kept packets (ADTS frames) are joined into
  one ADTS file, whose packets sit exactly 1024 samples apart through every splice.

``mux_args`` gives the FFmpeg options that put the spliced stream into the film: one priming
frame of delay (an edit list, as a single-pass encode has) and the last packet cut to the
film's exact sample count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grok_spicy_desktop.media.errors import MediaError
from grok_spicy_desktop.media.graph import AUDIO_RATE
from grok_spicy_desktop.media.probe import input_arg

__all__ = [
    "AAC_FRAME",
    "AudioChunk",
    "AudioLayout",
    "adts_frames",
    "audio_layout",
    "chunk_args",
    "mux_args",
    "plan_chunks",
    "splice",
]

AAC_FRAME = 1024
PRE_ROLL = 8
"""AAC frames encoded before a chunk's first kept packet (encoder state settles; dropped)."""
POST_ROLL = 2
"""AAC frames encoded after a chunk's last kept packet (its overlap is coded from real sound)."""
MIN_CHUNK = 2 * AUDIO_RATE
"""Below about 2 s of audio per chunk another process costs more than it saves."""
_ADTS_TICKS = 28_224_000 // AUDIO_RATE
"""FFmpeg's ADTS demuxer counts time in 1/28224000 s: ticks per sample at 48 kHz."""
_AUDIO_FORMAT = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"


@dataclass(frozen=True)
class AudioLayout:
    """Where each clip's sound lies in the film, in samples at ``AUDIO_RATE``."""

    firsts: tuple[int, ...]
    """First sample taken from each clip (1 frame's worth after a ``continuous`` join)."""
    lasts: tuple[int, ...]
    """End sample (exclusive) taken from each clip: its video length."""
    fades: tuple[int, ...]
    """Cross-fade length after each clip (0 for a cut), ``len(clips) - 1`` values."""
    starts: tuple[int, ...]
    """Film sample at which each clip's sound starts."""
    total: int

    def length(self, clip: int) -> int:
        return self.lasts[clip] - self.firsts[clip]


@dataclass(frozen=True)
class AudioChunk:
    """Film samples ``[keep_from, keep_to)`` kept from an encode of ``[encode_from, encode_to)``."""

    keep_from: int
    keep_to: int
    encode_from: int
    encode_to: int

    @property
    def samples(self) -> int:
        return self.encode_to - self.encode_from


def audio_layout(
    frames: Sequence[int], transitions: Sequence[str], fades: Sequence[float], fps: int
) -> AudioLayout:
    """The film's audio timeline for clips of ``frames`` video frames (fades in seconds)."""
    firsts, lasts, starts = [], [], []
    fade_samples = tuple(round(f * AUDIO_RATE) for f in fades)
    at = 0
    for i, n in enumerate(frames):
        skip = 1 if i and transitions[i - 1] == "continuous" else 0
        firsts.append(round(skip * AUDIO_RATE / fps))
        lasts.append(round(n * AUDIO_RATE / fps))
        if i:
            at += (lasts[i - 1] - firsts[i - 1]) - fade_samples[i - 1]
        starts.append(at)
    total = at + lasts[-1] - firsts[-1]
    return AudioLayout(tuple(firsts), tuple(lasts), fade_samples, tuple(starts), total)


def plan_chunks(total: int, count: int) -> list[AudioChunk]:
    """Up to ``count`` chunks of about equal length, split on the AAC grid."""
    count = max(1, min(count, total // MIN_CHUNK))
    frames = -(-total // AAC_FRAME)
    cuts = [round(frames * k / count) * AAC_FRAME for k in range(count + 1)]
    chunks = []
    for k in range(count):
        keep_from = -AAC_FRAME if k == 0 else cuts[k]
        keep_to = cuts[k + 1] if k < count - 1 else frames * AAC_FRAME
        chunks.append(
            AudioChunk(
                keep_from=keep_from,
                keep_to=keep_to,
                encode_from=0 if k == 0 else keep_from - PRE_ROLL * AAC_FRAME,
                encode_to=total if k == count - 1 else min(total, keep_to + POST_ROLL * AAC_FRAME),
            )
        )
    return chunks


def chunk_args(
    paths: Sequence[Path], layout: AudioLayout, chunk: AudioChunk, dest: Path
) -> list[str | Path]:
    """FFmpeg arguments: the film's sound ``[encode_from, encode_to)`` as ADTS AAC in ``dest``.

    Only the clips that sound in that range are decoded; the chain of cuts and cross-fades from
    the first of them gives the same samples as the whole film's chain (a cross-fade only mixes
    the last samples of one clip with the first of the next).
    """
    lo, hi = chunk.encode_from, chunk.encode_to
    used = [
        i
        for i in range(len(paths))
        if layout.starts[i] < hi and layout.starts[i] + layout.length(i) > lo
    ]
    inputs: list[str | Path] = []
    parts: list[str] = []
    for n, i in enumerate(used):
        inputs += ["-threads", "1", "-vn", "-i", input_arg(paths[i])]
        parts.append(
            f"[{n}:a:0]aresample={AUDIO_RATE},{_AUDIO_FORMAT},apad,"
            f"atrim=start_sample={layout.firsts[i]}:end_sample={layout.lasts[i]},"
            f"asetpts=PTS-STARTPTS[a{n}]"
        )
    sound = "a0"
    for n in range(1, len(used)):
        fade = layout.fades[used[n] - 1]
        if fade > 0:
            parts.append(f"[{sound}][a{n}]acrossfade=ns={fade}:c1=tri:c2=tri[x{n}]")
        else:
            parts.append(f"[{sound}][a{n}]concat=n=2:v=0:a=1[x{n}]")
        sound = f"x{n}"
    offset = layout.starts[used[0]]
    parts.append(
        f"[{sound}]atrim=start_sample={lo - offset}:end_sample={hi - offset},"
        "asetpts=PTS-STARTPTS[out]"
    )
    return [
        "-y", *inputs, "-filter_complex", ";".join(parts), "-filter_complex_threads", "1",
        "-map", "[out]", "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2",
        "-f", "adts", dest,
    ]  # fmt: skip


def adts_frames(data: bytes) -> list[bytes]:
    """Split an ADTS stream into its frames (header included)."""
    frames = []
    at = 0
    while at < len(data):
        if len(data) - at < 7 or data[at] != 0xFF or data[at + 1] & 0xF0 != 0xF0:
            raise MediaError("The encoded audio is damaged (no ADTS frame where one should be).")
        size = ((data[at + 3] & 0x03) << 11) | (data[at + 4] << 3) | (data[at + 5] >> 5)
        if size < 7 or at + size > len(data):
            raise MediaError("The encoded audio is damaged (an ADTS frame is cut short).")
        frames.append(data[at : at + size])
        at += size
    return frames


def splice(chunks: Sequence[AudioChunk], encoded: Sequence[Path], dest: Path) -> int:
    """Join the chunks' kept packets into ``dest`` (ADTS); returns the number of packets.

    Packet ``j`` of a chunk covers film samples from ``encode_from + (j - 1) * 1024``.
    """
    count = 0
    with dest.open("wb") as out:
        for chunk, path in zip(chunks, encoded, strict=True):
            frames = adts_frames(path.read_bytes())
            first = (chunk.keep_from - chunk.encode_from) // AAC_FRAME + 1
            last = (chunk.keep_to - chunk.encode_from) // AAC_FRAME + 1
            if first < 0 or last > len(frames):
                raise MediaError(
                    f"The encoded audio is shorter than expected ({len(frames)} AAC frames, "
                    f"needed {last}); assemble the film again."
                )
            out.write(b"".join(frames[first:last]))
            count += last - first
    return count


def mux_args(packets: int, total: int) -> list[str]:
    """Output options of the final mux for the spliced ADTS audio (``packets`` of them).

    Packets are shifted one frame early (the encoder's priming delay, written as an edit list)
    and the last one is cut to the film's ``total`` samples.
    """
    last_pts = (packets - 2) * AAC_FRAME
    tail = max(1, min(AAC_FRAME, total - last_pts))
    shift = AAC_FRAME * _ADTS_TICKS
    duration = f"if(eq(N\\,{packets - 1})\\,{tail * _ADTS_TICKS}\\,DURATION)"
    return ["-bsf:a", f"setts=pts=PTS-{shift}:dts=DTS-{shift}:duration={duration}"]
