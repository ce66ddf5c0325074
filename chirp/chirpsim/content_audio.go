package chirpsim

import (
	"encoding/binary"
	"math"
)

// WAVSampleRate is the sample rate of WAVMelody's output.
const WAVSampleRate = 16000

// WAVMelody returns a WAV file (PCM, 16-bit, mono, 16 kHz) holding a melody
// of the given length in seconds (at least 1), generated from seed: notes of
// a pentatonic scale with soft attacks and decays.
func WAVMelody(seed int64, seconds int) []byte {
	r := contentRand(seed)
	seconds = max(1, seconds)
	n := seconds * WAVSampleRate
	pentatonic := []float64{0, 2, 4, 7, 9, 12, 14, 16}
	root := 220 * math.Pow(2, float64(r.IntN(7))/12)
	samples := make([]int16, n)
	for start := 0; start < n; {
		length := WAVSampleRate / 4 * (1 + r.IntN(2)) // quarter or half second
		freq := root * math.Pow(2, pentatonic[r.IntN(len(pentatonic))]/12)
		for i := 0; i < length && start+i < n; i++ {
			t := float64(i) / WAVSampleRate
			env := math.Min(1, t/0.02) * math.Exp(-3*t) // 20 ms attack, then decay
			v := math.Sin(2*math.Pi*freq*t) + 0.3*math.Sin(4*math.Pi*freq*t)
			samples[start+i] = int16(v / 1.3 * env * 0.6 * math.MaxInt16)
		}
		start += length
	}
	return encodeWAV(samples, WAVSampleRate)
}

// encodeWAV writes 16-bit mono PCM samples as a RIFF/WAVE file.
func encodeWAV(samples []int16, rate int) []byte {
	dataLen := 2 * len(samples)
	b := make([]byte, 44, 44+dataLen)
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)             // fmt chunk size
	le.PutUint16(b[20:], 1)              // PCM
	le.PutUint16(b[22:], 1)              // mono
	le.PutUint32(b[24:], uint32(rate))   // sample rate
	le.PutUint32(b[28:], uint32(rate*2)) // byte rate
	le.PutUint16(b[32:], 2)              // block align
	le.PutUint16(b[34:], 16)             // bits per sample
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(dataLen))
	for _, s := range samples {
		b = le.AppendUint16(b, uint16(s))
	}
	return b
}
