"""The offline backend's synthetic voices: each voice id has its own pitch and timbre, a line
lasts about as long as it takes to say."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from grok_spicy_desktop.backends.base import VideoRequest
from grok_spicy_desktop.backends.offline_voice import (
    SAMPLE_RATE,
    VoicedLine,
    scene_voice_track,
    synth_line,
    voice_params,
    write_wav,
)
from grok_spicy_desktop.domain.speech import speaking_seconds
from grok_spicy_desktop.domain.voices import VOICE_IDS, voice
from tests.audio_measure import pcm, pitch_hz, rms

LINE = "Look at this glowing seed, it is warm in my hands."


def test_every_voice_id_has_its_own_measured_pitch(tmp_path: Path) -> None:
    measured = {}
    for voice_id in VOICE_IDS:
        wav = write_wav(synth_line(voice_id, LINE), tmp_path / f"{voice_id}.wav")
        measured[voice_id] = pitch_hz(pcm(wav, rate=8000, audio_filter="lowpass=f=1500"), 8000)
    print("measured pitch:", measured)
    for voice_id, hz in measured.items():
        assert hz == pytest.approx(voice(voice_id).pitch_hz, rel=0.2)
    ordered = sorted(measured.values())
    assert all(b > a * 1.1 for a, b in itertools.pairwise(ordered))


def test_a_line_lasts_about_as_long_as_saying_it() -> None:
    short, long = "Hi.", "This is a much longer line with many more words to say out loud."
    assert len(synth_line("eve", short)) / SAMPLE_RATE == pytest.approx(
        speaking_seconds(short), abs=0.01
    )
    assert len(synth_line("eve", long)) / SAMPLE_RATE == pytest.approx(
        speaking_seconds(long), abs=0.01
    )
    assert speaking_seconds(long) > 4 * speaking_seconds("Hello there.") / 2


def test_scene_track_places_lines_in_their_share_and_is_quiet_between() -> None:
    track = scene_voice_track([VoicedLine("eve", "one two three four"),
                               VoicedLine("rex", "five six seven eight")], 8.0)  # fmt: skip
    assert len(track) == 8 * SAMPLE_RATE
    first = track[: 4 * SAMPLE_RATE]
    second = track[4 * SAMPLE_RATE :]
    assert rms(first[: int(1.5 * SAMPLE_RATE)]) > 0.05
    assert rms(first[int(2.0 * SAMPLE_RATE) :]) < 0.001  # said in ~1.5 s, then quiet
    assert rms(second[: int(1.5 * SAMPLE_RATE)]) > 0.05


def test_voice_params_only_for_requests_with_voices() -> None:
    scene = {
        "dialogue": [{"speaker": "Mara", "line": "Hello."}, {"speaker": "Otto", "line": "Hi."}]
    }
    plain = VideoRequest("p", hints={"scene": scene})
    assert voice_params(plain) == {}  # no reference_audios: not voiced (old model, no dialogue)
    voiced = VideoRequest("p", hints={"scene": scene}, reference_audios=("eve", "rex"))
    assert voice_params(voiced) == {"dialogue": [["eve", "Hello."], ["rex", "Hi."]]}
    chosen = VideoRequest("p", hints={"scene": scene, "voices": {"Mara": "ara", "Otto": "leo"}},
                          reference_audios=("ara", "leo"))  # fmt: skip
    assert voice_params(chosen)["dialogue"] == [["ara", "Hello."], ["leo", "Hi."]]
    assert voice_params(VideoRequest("p", generate_audio=False)) == {"audio": False}


def test_offline_silent_clip_has_no_audio_stream(tmp_path: Path) -> None:
    import time

    from PIL import Image

    from grok_spicy_desktop.backends.offline import OfflineBackend
    from grok_spicy_desktop.media.probe import probe

    still = tmp_path / "k.png"
    Image.new("RGB", (320, 180), (40, 90, 160)).save(still)
    backend = OfflineBackend(tmp_path / "work", speed=4)
    try:
        made = {}
        for audio in (True, False):
            job = backend.start_video(VideoRequest("A slow push-in.", image=still, duration=2,
                                                   generate_audio=audio))  # fmt: skip
            deadline = time.monotonic() + 60
            while (status := backend.poll_video(job.request_id)).state == "pending":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            made[audio] = backend.download_video(job.request_id, status, tmp_path / f"{audio}.mp4")
        assert probe(made[True]).has_audio and not probe(made[False]).has_audio
    finally:
        backend.close()
