package chirpsim

import (
	"crypto/rand"
	"encoding/binary"
	"math/big"
	"strings"
	"time"
)

const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// ksuidEpoch is the KSUID epoch (2014-05-13T16:53:20Z).
const ksuidEpoch = 1400000000

// newKSUID returns a 27-character KSUID-like id: a 4-byte timestamp and 16
// random bytes, base62-encoded, so ids sort roughly by creation time.
func newKSUID(t time.Time) string {
	var b [20]byte
	secs := max(t.Unix()-ksuidEpoch, 0)
	binary.BigEndian.PutUint32(b[:4], uint32(secs))
	rand.Read(b[4:])
	return encodeBase62(b[:], 27)
}

// randomBase62 returns n random base62 characters.
func randomBase62(n int) string {
	var sb strings.Builder
	buf := make([]byte, n)
	rand.Read(buf)
	for _, c := range buf {
		// 62*4 = 248: reject the top values to stay uniform.
		for c >= 248 {
			var one [1]byte
			rand.Read(one[:])
			c = one[0]
		}
		sb.WriteByte(base62Alphabet[c%62])
	}
	return sb.String()
}

// encodeBase62 encodes b as a big-endian number in base62, left-padded with
// '0' to width characters.
func encodeBase62(b []byte, width int) string {
	n := new(big.Int).SetBytes(b)
	base := big.NewInt(62)
	mod := new(big.Int)
	out := make([]byte, 0, width)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base62Alphabet[mod.Int64()])
	}
	for len(out) < width {
		out = append(out, '0')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}
