package chirpsim

import (
	"fmt"
	"strings"
)

// DemoPhrases returns things customers write to a business, for seeding demo
// conversations. Each call returns a fresh slice.
func DemoPhrases() []string {
	return []string{
		"Hi! Is the shop open on Sunday?",
		"My order hasn't arrived yet, can you check?",
		"Here's a photo of the damaged box",
		"Can I change my delivery address?",
		"Thanks, that worked!",
		"What time do you close today?",
		"I was charged twice for the same order",
		"Do you have this in a size 10?",
		"Sending the receipt now",
		"Is there parking near the store?",
		"The app keeps logging me out",
		"Can someone call me back please?",
		"Perfect, see you at 3pm",
		"How long is the warranty on this?",
		"Could you send the invoice again? I can't find it",
		"I'd like to cancel my appointment tomorrow",
		"Listen to this voice note, it explains the noise",
		"Great service, thank you so much 🙏",
		"Is the discount code still valid?",
		"Where do I find my tracking number?",
	}
}

// DemoReplies returns things support staff answer, for seeding the outbound
// side of demo conversations. Each call returns a fresh slice.
func DemoReplies() []string {
	return []string{
		"Hi, thanks for reaching out! Let me check that for you.",
		"We're open 9am to 5pm on Sundays.",
		"Sorry about that! I've sent a replacement today.",
		"Your tracking number is in the confirmation email.",
		"I've refunded the duplicate charge; it takes 3-5 business days.",
		"Could you send a photo of the label?",
		"Done! Your address has been updated.",
		"Here's your invoice again.",
		"You're welcome, have a great day!",
		"A colleague will call you within the hour.",
	}
}

// DemoCaptions returns captions people put under photos and documents.
// Each call returns a fresh slice.
func DemoCaptions() []string {
	return []string{"front", "back of the box", "receipt", "the label", "serial number",
		"", "", "invoice", "as promised", "our new storefront"}
}

// DemoNames returns contact names for demo conversations. Each call returns a
// fresh slice.
func DemoNames() []string {
	return []string{
		"Maria Garcia", "James Smith", "Aisha Khan", "Chen Wei", "Olivia Brown",
		"Lukas Müller", "Fatima Diallo", "Noah Wilson", "Sofia Rossi", "Hiroshi Tanaka",
		"Emma Johnson", "Mateo Fernández", "Priya Patel", "Liam O'Connor", "Zoe Martin",
	}
}

// DemoPhone returns a fictional phone number in E.164 form for seed: numbers
// reserved for fiction (North American 555-01XX, UK 07700 900XXX), so demo
// data can never reach a real person.
func DemoPhone(seed int64) string {
	u := uint64(seed)
	if u%3 == 2 {
		return fmt.Sprintf("+447700900%03d", u/3%1000)
	}
	areas := []int{201, 212, 305, 312, 415, 512, 617, 702, 808, 917}
	return fmt.Sprintf("+1%d55501%02d", areas[u/3%uint64(len(areas))], u%100)
}

// demoDocument returns the title and lines of a demo invoice.
func demoDocument(seed int64) (title string, lines []string) {
	r := contentRand(seed)
	items := []string{"Wireless earbuds", "Phone case", "USB-C cable (2 m)", "Screen protector",
		"Gift wrapping", "Express delivery", "Charging dock", "Travel adapter"}
	number := 1000 + seed&0xfff
	lines = []string{
		"Aviary Demo Store - 12 Example Street, Springfield",
		fmt.Sprintf("Invoice no. %d    Date: 2024-%02d-%02d", number, 1+r.IntN(12), 1+r.IntN(28)),
		"",
		fmt.Sprintf("%-34s %5s %10s", "Item", "Qty", "Amount"),
		strings.Repeat("-", 52),
	}
	total := 0
	for range 2 + r.IntN(4) {
		qty, cents := 1+r.IntN(3), 499+r.IntN(9000)
		total += qty * cents
		lines = append(lines, fmt.Sprintf("%-34s %5d %10s", items[r.IntN(len(items))], qty, demoMoney(qty*cents)))
	}
	lines = append(lines, strings.Repeat("-", 52),
		fmt.Sprintf("%-40s %10s", "Total", demoMoney(total)),
		"", "Thank you for your purchase!", "Questions? Reply to this WhatsApp chat.")
	return fmt.Sprintf("Invoice %d", number), lines
}

func demoMoney(cents int) string {
	return fmt.Sprintf("$%d.%02d", cents/100, cents%100)
}
