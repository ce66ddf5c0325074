package chirpsim_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

func TestContentImages(t *testing.T) {
	t.Parallel()
	type result struct {
		data       []byte
		mime, name string
	}
	results := make([]result, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			data, mime, name := chirpsim.Content("image", int64(i))
			results[i] = result{data, mime, name}
		})
	}
	wg.Wait()
	shapes := map[[2]int]bool{}
	formats := map[string]bool{}
	for seed, res := range results {
		data, mime, name := res.data, res.mime, res.name
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("seed %d: %s does not decode: %v", seed, name, err)
		}
		if "image/"+format != mime || !strings.HasSuffix(name, map[string]string{"jpeg": ".jpg", "png": ".png"}[format]) {
			t.Errorf("seed %d: format %s, mime %s, name %s disagree", seed, format, mime, name)
		}
		b := img.Bounds()
		if b.Dx() < 320 || b.Dy() < 320 || b.Dx() > 1280 || b.Dy() > 1280 {
			t.Errorf("seed %d: %dx%d is not a photo size", seed, b.Dx(), b.Dy())
		}
		shapes[[2]int{b.Dx(), b.Dy()}] = true
		formats[format] = true
	}
	if len(shapes) < 6 || !formats["jpeg"] || !formats["png"] {
		t.Errorf("8 seeds gave sizes %v and formats %v; want variety", shapes, formats)
	}
}

func TestPhotoDimensionsAndDeterminism(t *testing.T) {
	t.Parallel()
	for _, enc := range []struct {
		name string
		fn   func(int64, int, int) []byte
	}{{"jpeg", chirpsim.JPEGPhoto}, {"png", chirpsim.PNGPhoto}} {
		a := enc.fn(7, 300, 200)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(a))
		if err != nil || format != enc.name || cfg.Width != 300 || cfg.Height != 200 {
			t.Errorf("%s: got %s %dx%d (%v), want %s 300x200", enc.name, format, cfg.Width, cfg.Height, err, enc.name)
		}
		if !bytes.Equal(a, enc.fn(7, 300, 200)) {
			t.Errorf("%s: same seed gave different bytes", enc.name)
		}
		if bytes.Equal(a, enc.fn(8, 300, 200)) {
			t.Errorf("%s: different seeds gave the same bytes", enc.name)
		}
	}
}

func TestPhotoHasLabelAndScene(t *testing.T) {
	t.Parallel()
	img, _, err := image.Decode(bytes.NewReader(chirpsim.PNGPhoto(3, 640, 480)))
	if err != nil {
		t.Fatal(err)
	}
	// The label is white text near the bottom-left; the scene is not flat.
	white, colours := 0, map[uint32]bool{}
	for y := 480 - 60; y < 480; y++ {
		for x := range 320 {
			r, g, b, _ := img.At(x, y).RGBA()
			if r > 0xf000 && g > 0xf000 && b > 0xf000 {
				white++
			}
		}
	}
	for y := 0; y < 480; y += 8 {
		r, g, b, _ := img.At(320, y).RGBA()
		colours[r>>8<<16|g>>8<<8|b>>8] = true
	}
	if white < 200 || len(colours) < 20 {
		t.Errorf("label pixels %d, distinct colours down the middle %d; want a label and a scene", white, len(colours))
	}
}

func TestContentSticker(t *testing.T) {
	t.Parallel()
	for seed := range int64(3) {
		data, mime, name := chirpsim.Content("sticker", seed)
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil || format != "png" || mime != "image/png" || !strings.HasSuffix(name, ".png") {
			t.Fatalf("seed %d: format %s mime %s name %s err %v", seed, format, mime, name, err)
		}
		if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
			t.Errorf("seed %d: %dx%d, want 512x512", seed, b.Dx(), b.Dy())
		}
		if again, _, _ := chirpsim.Content("sticker", seed); !bytes.Equal(again, data) {
			t.Errorf("seed %d: not deterministic", seed)
		}
		if _, _, _, a := img.At(2, 2).RGBA(); a != 0 {
			t.Errorf("seed %d: corner alpha %d, want transparent", seed, a)
		}
		if _, _, _, a := img.At(256, 256).RGBA(); a != 0xffff {
			t.Errorf("seed %d: centre alpha %d, want opaque", seed, a)
		}
	}
}

func TestContentAudioWAV(t *testing.T) {
	for seed := range int64(3) {
		data, mime, name := chirpsim.Content("audio", seed)
		if mime != "audio/wav" || !strings.HasSuffix(name, ".wav") {
			t.Errorf("mime %s name %s", mime, name)
		}
		le := binary.LittleEndian
		if len(data) < 44 || string(data[0:4]) != "RIFF" || string(data[8:16]) != "WAVEfmt " || string(data[36:40]) != "data" {
			t.Fatalf("seed %d: not a canonical WAV header: % x", seed, data[:min(44, len(data))])
		}
		if got := le.Uint32(data[4:]); int(got) != len(data)-8 {
			t.Errorf("RIFF size %d, want %d", got, len(data)-8)
		}
		if got := le.Uint32(data[40:]); int(got) != len(data)-44 {
			t.Errorf("data size %d, want %d", got, len(data)-44)
		}
		format, channels, rate, bits := le.Uint16(data[20:]), le.Uint16(data[22:]), le.Uint32(data[24:]), le.Uint16(data[34:])
		if format != 1 || channels != 1 || rate != chirpsim.WAVSampleRate || bits != 16 || le.Uint32(data[28:]) != rate*2 {
			t.Errorf("fmt = PCM? %d, channels %d, rate %d, bits %d", format, channels, rate, bits)
		}
		secs := float64(len(data)-44) / 2 / float64(rate)
		if secs < 2 || secs > 4 {
			t.Errorf("seed %d: %.1fs of audio, want 2-4s", seed, secs)
		}
		peak := 0
		for i := 44; i+1 < len(data); i += 2 {
			peak = max(peak, abs(int(int16(le.Uint16(data[i:])))))
		}
		if peak < 5000 {
			t.Errorf("seed %d: peak amplitude %d, want audible sound", seed, peak)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestContentDocumentPDF(t *testing.T) {
	data, mime, name := chirpsim.Content("document", 42)
	if mime != "application/pdf" || !strings.HasSuffix(name, ".pdf") {
		t.Errorf("mime %s name %s", mime, name)
	}
	checkPDF(t, data)
	if !bytes.Contains(data, []byte("(Invoice ")) || !bytes.Contains(data, []byte("Total")) {
		t.Errorf("the PDF shows no invoice text")
	}

	tricky := chirpsim.PDFDocument(`Quote (draft) \ v2`, []string{"Café – 10% off", strings.Repeat("line ", 10)})
	checkPDF(t, tricky)
	if !bytes.Contains(tricky, []byte(`(Quote \(draft\) \\ v2) Tj`)) || !bytes.Contains(tricky, []byte("(Caf? ? 10% off)")) {
		t.Errorf("special characters not escaped:\n%s", tricky)
	}
}

// checkPDF verifies the header, that startxref points at the xref table, and
// that every xref entry points at its object.
func checkPDF(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) || !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %q…", data[:min(16, len(data))])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off >= len(data) || !bytes.HasPrefix(data[off:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	var count int
	if _, err := fmt.Sscanf(string(data[off:]), "xref\n0 %d\n", &count); err != nil {
		t.Fatal(err)
	}
	entries := data[off+len(fmt.Sprintf("xref\n0 %d\n", count)):]
	for i := 1; i < count; i++ {
		entry := string(entries[i*20 : i*20+20])
		objOff, _ := strconv.Atoi(entry[:10])
		if !strings.HasSuffix(entry, " n \n") || !bytes.HasPrefix(data[objOff:], fmt.Appendf(nil, "%d 0 obj\n", i)) {
			t.Errorf("xref entry %d (%q) does not point at object %d", i, entry, i)
		}
	}
	lm := regexp.MustCompile(`<< /Length (\d+) >>\nstream\n`).FindSubmatchIndex(data)
	if lm == nil {
		t.Fatal("no content stream")
	}
	n, _ := strconv.Atoi(string(data[lm[2]:lm[3]]))
	if !bytes.HasPrefix(data[lm[1]+n:], []byte("endstream")) {
		t.Errorf("stream /Length %d is wrong", n)
	}
}

func TestContentVideo(t *testing.T) {
	seen := map[string]bool{}
	for seed := range int64(2) {
		data, mime, name := chirpsim.Content("video", seed)
		if len(data) == 0 || len(data) > 60<<10 {
			t.Errorf("%s: %d bytes, want a small non-empty clip", name, len(data))
		}
		switch mime {
		case "video/mp4":
			if string(data[4:8]) != "ftyp" || !strings.HasSuffix(name, ".mp4") {
				t.Errorf("%s: not an MP4: % x", name, data[:12])
			}
		case "video/webm":
			if !bytes.HasPrefix(data, []byte{0x1a, 0x45, 0xdf, 0xa3}) || !bytes.Contains(data[:64], []byte("webm")) || !strings.HasSuffix(name, ".webm") {
				t.Errorf("%s: not a WebM: % x", name, data[:12])
			}
		default:
			t.Errorf("mime %s, want a video type", mime)
		}
		seen[mime] = true
		data[0] ^= 0xff // callers own their copy
		if again, _, _ := chirpsim.Content("video", seed); again[0] == data[0] {
			t.Error("Content returned shared, mutable bytes")
		}
	}
	if len(seen) != 2 {
		t.Errorf("video types %v, want both mp4 and webm", seen)
	}
}

func TestContentKinds(t *testing.T) {
	t.Parallel()
	for _, kind := range chirpsim.ContentKinds() {
		data, mime, name := chirpsim.Content(kind, 1)
		if len(data) == 0 || mime == "" || name == "" {
			t.Errorf("%s: %d bytes, mime %q, name %q", kind, len(data), mime, name)
		}
		if kind == "image" || kind == "sticker" {
			continue // slow to make twice; images are checked in TestPhotoDimensionsAndDeterminism
		}
		again, _, _ := chirpsim.Content(kind, 1)
		if !bytes.Equal(data, again) {
			t.Errorf("%s: not deterministic", kind)
		}
	}
	if data, mime, _ := chirpsim.Content("hologram", 1); data != nil || mime != "" {
		t.Errorf("unknown kind gave %d bytes of %q", len(data), mime)
	}
}

func TestDemoData(t *testing.T) {
	e164 := regexp.MustCompile(`^\+(1\d{3}55501\d{2}|447700900\d{3})$`)
	seen := map[string]bool{}
	for seed := range int64(60) {
		p := chirpsim.DemoPhone(seed)
		if !e164.MatchString(p) {
			t.Errorf("DemoPhone(%d) = %q, not a fictional E.164 number", seed, p)
		}
		seen[p] = true
	}
	if len(seen) < 50 {
		t.Errorf("60 seeds gave only %d distinct numbers", len(seen))
	}
	for name, list := range map[string][]string{
		"phrases": chirpsim.DemoPhrases(), "replies": chirpsim.DemoReplies(),
		"names": chirpsim.DemoNames(), "captions": chirpsim.DemoCaptions(),
	} {
		if len(list) < 5 {
			t.Errorf("%s: only %d entries", name, len(list))
		}
	}
	a := chirpsim.DemoPhrases()
	a[0] = "changed"
	if chirpsim.DemoPhrases()[0] == "changed" {
		t.Error("DemoPhrases shares its slice between calls")
	}
}
