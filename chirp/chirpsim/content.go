package chirpsim

import (
	"bytes"
	_ "embed" // demo video clips
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
)

// Demo video clips, made once with ffmpeg (see assets/README.md). Strings,
// not byte slices, so that no caller can change them.
var (
	//go:embed assets/demo.mp4
	demoMP4 string
	//go:embed assets/demo.webm
	demoWebM string
)

// ContentKinds lists the kinds Content can produce.
func ContentKinds() []string {
	return []string{"image", "sticker", "audio", "document", "video"}
}

// Content returns demo media of the given kind (image, sticker, audio,
// document or video), generated deterministically from seed, with its MIME
// type and a plausible filename. Unknown kinds return nil data.
//
// What each kind gives:
//   - image: a photo-like JPEG (or, for one seed in four, a PNG) of one of
//     several sizes and aspect ratios, with a drawn label;
//   - sticker: a 512x512 PNG with transparency. Real WhatsApp stickers are
//     image/webp, but Go's standard library cannot encode WebP;
//   - audio: a WAV (PCM, mono, 16 kHz) melody of 2 to 4 seconds;
//   - document: a one-page PDF with text;
//   - video: a 3-second clip, H.264 MP4 or VP9 WebM by seed's parity.
func Content(kind string, seed int64) (data []byte, mime, filename string) {
	n := seed & 0xffff
	switch kind {
	case "image":
		sizes := [][2]int{{800, 600}, {600, 800}, {960, 540}, {540, 960}, {640, 640}, {1024, 768}, {480, 360}, {720, 1280}}
		sz := sizes[uint64(seed)%uint64(len(sizes))]
		if seed%4 == 3 {
			return PNGPhoto(seed, sz[0], sz[1]), "image/png", fmt.Sprintf("Screenshot_%04d.png", n)
		}
		return JPEGPhoto(seed, sz[0], sz[1]), "image/jpeg", fmt.Sprintf("IMG_%04d.jpg", n)
	case "sticker":
		return StickerPNG(seed), "image/png", fmt.Sprintf("sticker-%04d.png", n)
	case "audio":
		return WAVMelody(seed, 2+int(uint64(seed)%3)), "audio/wav", fmt.Sprintf("voice-note-%04d.wav", n)
	case "document":
		title, lines := demoDocument(seed)
		return PDFDocument(title, lines), "application/pdf", fmt.Sprintf("invoice-%04d.pdf", n)
	case "video":
		if seed%2 == 0 {
			return []byte(demoMP4), "video/mp4", fmt.Sprintf("VID_%04d.mp4", n)
		}
		return []byte(demoWebM), "video/webm", fmt.Sprintf("clip-%04d.webm", n)
	}
	return nil, "", ""
}

// contentRand returns the deterministic generator for seed.
func contentRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// JPEGPhoto returns a w×h JPEG of a generated landscape (sky, sun, hills) with
// a label, the same for the same seed.
func JPEGPhoto(seed int64, w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, landscape(seed, w, h), &jpeg.Options{Quality: 80}); err != nil {
		panic("chirpsim: encode jpeg: " + err.Error()) // cannot fail writing to memory
	}
	return buf.Bytes()
}

// PNGPhoto is JPEGPhoto as a PNG.
func PNGPhoto(seed int64, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, landscape(seed, w, h)); err != nil {
		panic("chirpsim: encode png: " + err.Error())
	}
	return buf.Bytes()
}

func landscape(seed int64, w, h int) *image.RGBA {
	r := contentRand(seed)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top, bottom := contentColor(r, 40, 160), contentColor(r, 150, 255)
	sunX, sunY := r.Float64()*float64(w), (0.15+0.3*r.Float64())*float64(h)
	sunR := (0.05 + 0.07*r.Float64()) * float64(min(w, h))
	sun := color.RGBA{255, uint8(200 + r.IntN(55)), uint8(80 + r.IntN(100)), 255}
	for y := range h {
		sky := blend(top, bottom, float64(y)/float64(h))
		for x := range w {
			c := sky
			if d := math.Hypot(float64(x)-sunX, float64(y)-sunY); d < sunR {
				c = sun
			} else if d < sunR*1.6 { // glow
				c = blend(sun, sky, (d-sunR)/(sunR*0.6))
			}
			setPix(img, x, y, c)
		}
	}
	// Three ridges, nearer ones lower and darker.
	for layer := range 3 {
		base := float64(h) * (0.55 + 0.12*float64(layer))
		amp := float64(h) * (0.12 - 0.03*float64(layer))
		f1, f2 := 1+r.Float64()*3, 4+r.Float64()*6
		p1, p2 := r.Float64()*2*math.Pi, r.Float64()*2*math.Pi
		hill := contentColor(r, 20, 90)
		hill.G = min(255, hill.G+60)
		hill = blend(hill, color.RGBA{0, 0, 0, 255}, 0.2*float64(layer))
		for x := range w {
			t := float64(x) / float64(w)
			ridge := base - amp*math.Sin(2*math.Pi*f1*t+p1) - amp*0.3*math.Sin(2*math.Pi*f2*t+p2)
			for y := max(0, int(ridge)); y < h; y++ {
				setPix(img, x, y, blend(hill, color.RGBA{0, 0, 0, 255}, 0.3*float64(y)/float64(h)))
			}
		}
	}
	label := fmt.Sprintf("AVIARY DEMO %04d", seed&0xffff)
	scale := max(2, min(w, h)/160)
	x, y := scale*4, h-scale*12
	drawText(img, x+scale/2+1, y+scale/2+1, scale, label, color.RGBA{0, 0, 0, 255})
	drawText(img, x, y, scale, label, color.RGBA{255, 255, 255, 255})
	return img
}

// setPix is img.SetRGBA without the bounds check, for in-bounds loops over
// every pixel.
func setPix(img *image.RGBA, x, y int, c color.RGBA) {
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+4 : i+4]
	p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
}

func contentColor(r *rand.Rand, lo, hi int) color.RGBA {
	c := func() uint8 { return uint8(lo + r.IntN(hi-lo+1)) }
	return color.RGBA{c(), c(), c(), 255}
}

// blend mixes a and b: t=0 gives a, t=1 gives b.
func blend(a, b color.RGBA, t float64) color.RGBA {
	t = min(1, max(0, t))
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), mix(a.A, b.A)}
}

// StickerPNG returns a 512×512 PNG sticker: a circle, heart or star with a
// white outline and a face, on a transparent background.
func StickerPNG(seed int64) []byte {
	r := contentRand(seed)
	const size = 512
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	fill := contentColor(r, 60, 255)
	shape := r.IntN(3)
	for py := range size {
		for px := range size {
			// Coordinates in [-1.2, 1.2], y up.
			x, y := (float64(px)/size-0.5)*2.4, (0.5-float64(py)/size)*2.4
			switch {
			case insideSticker(shape, x, y, 1):
				img.SetNRGBA(px, py, color.NRGBA{fill.R, fill.G, fill.B, 255})
			case insideSticker(shape, x, y, 1.1):
				img.SetNRGBA(px, py, color.NRGBA{255, 255, 255, 255})
			}
		}
	}
	ink := color.NRGBA{30, 30, 30, 255}
	stickerDisc(img, 200, 220, 28, ink)
	stickerDisc(img, 312, 220, 28, ink)
	for a := 0.15 * math.Pi; a <= 0.85*math.Pi; a += 0.01 { // smile
		stickerDisc(img, 256+int(90*math.Cos(a)), 290+int(60*math.Sin(a)), 9, ink)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("chirpsim: encode png: " + err.Error())
	}
	return buf.Bytes()
}

// insideSticker reports whether (x, y) lies in the shape scaled by s.
func insideSticker(shape int, x, y, s float64) bool {
	x, y = x/s, y/s
	switch shape {
	case 0: // circle
		return x*x+y*y <= 0.85
	case 1: // heart: (x²+y²-1)³ - x²y³ <= 0, shifted and scaled to fit
		hx, hy := x*1.15, y*1.15+0.15
		v := hx*hx + hy*hy - 1
		return v*v*v-hx*hx*hy*hy*hy <= 0
	}
	// five-pointed star
	a := math.Atan2(y, x) + math.Pi/2
	k := math.Mod(a*5/(2*math.Pi)+10, 1) // position within one point
	radius := 0.55 + 0.45*math.Abs(1-2*k)
	return math.Hypot(x, y) <= radius
}

func stickerDisc(img *image.NRGBA, cx, cy, rad int, c color.NRGBA) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= rad*rad {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}
