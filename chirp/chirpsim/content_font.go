package chirpsim

import (
	"image"
	"image/color"
	"strings"
)

// glyph returns the 5x7 bitmap of r, one string per row ('#' = ink), for the
// characters demo labels use; lower case is drawn as upper case and anything
// else as '?'. A tiny built-in font keeps the simulator free of font files
// and dependencies.
func glyph(r rune) string {
	switch r {
	case 'A':
		return ".###. #...# #...# ##### #...# #...# #...#"
	case 'B':
		return "####. #...# #...# ####. #...# #...# ####."
	case 'C':
		return ".###. #...# #.... #.... #.... #...# .###."
	case 'D':
		return "####. #...# #...# #...# #...# #...# ####."
	case 'E':
		return "##### #.... #.... ####. #.... #.... #####"
	case 'F':
		return "##### #.... #.... ####. #.... #.... #...."
	case 'G':
		return ".###. #...# #.... #.### #...# #...# .####"
	case 'H':
		return "#...# #...# #...# ##### #...# #...# #...#"
	case 'I':
		return ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###."
	case 'J':
		return "..### ...#. ...#. ...#. ...#. #..#. .##.."
	case 'K':
		return "#...# #..#. #.#.. ##... #.#.. #..#. #...#"
	case 'L':
		return "#.... #.... #.... #.... #.... #.... #####"
	case 'M':
		return "#...# ##.## #.#.# #.#.# #...# #...# #...#"
	case 'N':
		return "#...# #...# ##..# #.#.# #..## #...# #...#"
	case 'O':
		return ".###. #...# #...# #...# #...# #...# .###."
	case 'P':
		return "####. #...# #...# ####. #.... #.... #...."
	case 'Q':
		return ".###. #...# #...# #...# #.#.# #..#. .##.#"
	case 'R':
		return "####. #...# #...# ####. #.#.. #..#. #...#"
	case 'S':
		return ".#### #.... #.... .###. ....# ....# ####."
	case 'T':
		return "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."
	case 'U':
		return "#...# #...# #...# #...# #...# #...# .###."
	case 'V':
		return "#...# #...# #...# #...# #...# .#.#. ..#.."
	case 'W':
		return "#...# #...# #...# #.#.# #.#.# #.#.# .#.#."
	case 'X':
		return "#...# #...# .#.#. ..#.. .#.#. #...# #...#"
	case 'Y':
		return "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#.."
	case 'Z':
		return "##### ....# ...#. ..#.. .#... #.... #####"
	case '0':
		return ".###. #...# #..## #.#.# ##..# #...# .###."
	case '1':
		return "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###."
	case '2':
		return ".###. #...# ....# ...#. ..#.. .#... #####"
	case '3':
		return "####. ....# ....# .###. ....# ....# ####."
	case '4':
		return "...#. ..##. .#.#. #..#. ##### ...#. ...#."
	case '5':
		return "##### #.... ####. ....# ....# #...# .###."
	case '6':
		return "..##. .#... #.... ####. #...# #...# .###."
	case '7':
		return "##### ....# ...#. ..#.. .#... .#... .#..."
	case '8':
		return ".###. #...# #...# .###. #...# #...# .###."
	case '9':
		return ".###. #...# #...# .#### ....# ...#. .##.."
	case ' ':
		return "..... ..... ..... ..... ..... ..... ....."
	case '-':
		return "..... ..... ..... ##### ..... ..... ....."
	case '_':
		return "..... ..... ..... ..... ..... ..... #####"
	case '.':
		return "..... ..... ..... ..... ..... .##.. .##.."
	case ':':
		return "..... .##.. .##.. ..... .##.. .##.. ....."
	case '#':
		return ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#."
	case '/':
		return "....# ....# ...#. ..#.. .#... #.... #...."
	}
	if r >= 'a' && r <= 'z' {
		return glyph(r - 'a' + 'A')
	}
	return ".###. #...# ....# ...#. ..#.. ..... ..#.."
}

// drawText draws s with its top-left corner at (x, y), each font pixel a
// scale×scale square, clipped to img.
func drawText(img *image.RGBA, x, y, scale int, s string, c color.RGBA) {
	b := img.Bounds()
	for i, r := range []rune(s) {
		rows := strings.Fields(glyph(r))
		for row, bits := range rows {
			for col, bit := range bits {
				if bit != '#' {
					continue
				}
				x0, y0 := x+(i*6+col)*scale, y+row*scale
				for py := max(y0, b.Min.Y); py < min(y0+scale, b.Max.Y); py++ {
					for px := max(x0, b.Min.X); px < min(x0+scale, b.Max.X); px++ {
						img.SetRGBA(px, py, c)
					}
				}
			}
		}
	}
}
