package views

import "strconv"

func statusText(code int) string { return "Error " + strconv.Itoa(code) }
