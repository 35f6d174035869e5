package templates

import (
	"fmt"
	"regexp"
	"strings"
	"text/template/parse"
)

// An empty field leaves behind the blank before it and the punctuation
// after it ("سلام {{.Contact.FirstName}}،" with no name would be
// "سلام ،"). So every printing action of a text part is piped through
// emptyFunc, which writes emptyMark in place of an empty value, and tidy
// cleans up around the marks only: what the data itself holds (an
// agent's note) is never rewritten.
const (
	emptyFunc = "markEmpty"
	emptyMark = "\x00"
)

// markEmpty pipes every printing action of tree ({{.X}}, {{name}},
// {{attr "k" | default "…"}}, in every branch) through emptyFunc.
func markEmpty(tree *parse.Tree) {
	if tree == nil {
		return
	}
	_ = eachNode(tree.Root, func(n parse.Node) error {
		if a, ok := n.(*parse.ActionNode); ok && len(a.Pipe.Decl) == 0 { // {{$x := …}} prints nothing
			mark := parse.NewIdentifier(emptyFunc).SetTree(tree).SetPos(a.Pos)
			a.Pipe.Cmds = append(a.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: a.Pos, Args: []parse.Node{mark}})
		}
		return nil
	})
}

// printed is what an action prints, or emptyMark when that is blank.
func printed(v any) string {
	if v == nil {
		return emptyMark
	}
	s := fmt.Sprint(v)
	if strings.TrimSpace(s) == "" {
		return emptyMark
	}
	return s
}

var (
	// marks are runs of empty values with at most blanks between them.
	marks = regexp.MustCompile(`\x00(?:[ \t]*\x00)+`)
	// inBrackets is an empty value alone in brackets or quotes.
	inBrackets = regexp.MustCompile(`[ \t]*[(«“"]\x00[)»”"]`)
	// commaAfterMark is an empty value between a mark and a comma.
	commaAfterMark = regexp.MustCompile(`([،,.;:!?؛؟])[ \t]*\x00[ \t]*[،,]`)
	// beforeMark is an empty value before a punctuation mark.
	beforeMark = regexp.MustCompile(`[ \t]*\x00[ \t]*([،,.;:!?؛؟)»”])`)
	// atLineStart and atLineEnd are an empty value at a line's ends.
	atLineStart = regexp.MustCompile(`(?m)^[ \t]*\x00[ \t]*[،,]?[ \t]*`)
	atLineEnd   = regexp.MustCompile(`(?m)[ \t]*\x00[ \t]*$`)
	// betweenWords is an empty value between two blanks.
	betweenWords = regexp.MustCompile(`[ \t]+\x00[ \t]+`)
)

// tidy removes the marks of empty values from text rendered by a part,
// with what they leave dangling: the brackets or quotes around one, the
// blank before one and the comma after one, one at a line's start or end,
// and the second blank when one stood between words.
func tidy(s string) string {
	if !strings.Contains(s, emptyMark) {
		return s
	}
	s = marks.ReplaceAllString(s, emptyMark)
	s = inBrackets.ReplaceAllString(s, emptyMark)
	s = atLineStart.ReplaceAllString(s, "")
	s = commaAfterMark.ReplaceAllString(s, "$1")
	s = beforeMark.ReplaceAllString(s, "$1")
	s = atLineEnd.ReplaceAllString(s, "")
	s = betweenWords.ReplaceAllString(s, " ")
	return strings.ReplaceAll(s, emptyMark, "")
}
