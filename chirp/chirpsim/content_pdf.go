package chirpsim

import (
	"bytes"
	"fmt"
	"strings"
)

// PDFDocument returns a one-page PDF (US Letter) showing title in bold and
// then lines of text in Courier (monospaced, so columns line up), with a correct cross-reference table so
// that every viewer opens it. Characters outside printable ASCII are shown
// as '?'; lines beyond what fits on the page are dropped.
func PDFDocument(title string, lines []string) []byte {
	var content strings.Builder
	fmt.Fprintf(&content, "BT /F1 20 Tf 72 720 Td (%s) Tj ET\n", pdfString(title))
	content.WriteString("0.6 w 72 708 m 540 708 l S\n")
	y := 684
	for _, line := range lines {
		if y < 72 {
			break
		}
		fmt.Fprintf(&content, "BT /F2 12 Tf 72 %d Td (%s) Tj ET\n", y, pdfString(line))
		y -= 18
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " +
			"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (Aviary chirpsim) >>", pdfString(title)),
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") // the binary comment marks the file as binary
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off) // each entry exactly 20 bytes
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(objects)+1, len(objects), xref)
	return buf.Bytes()
}

// pdfString escapes s for a PDF literal string.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
