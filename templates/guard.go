package templates

import (
	"errors"
	"fmt"
	"reflect"
	"text/template/parse"
)

// maxLoops bounds the iterations of all the range actions of one
// execution, so that no template can keep a worker busy for long.
const maxLoops = 10_000

// guardFunc is the function guard appends to every range pipeline.
const guardFunc = "rangeLimit"

// guard checks a parsed template's tree before it runs: it refuses
// {{define}}, {{block}} and {{template}} (a message is one template, and
// templates calling each other could run for ever), and makes every range
// count its iterations against maxLoops. n is the number of templates the
// parse produced.
func guard(tree *parse.Tree, n int) error {
	if n > 1 {
		return errors.New("{{define}} and {{block}} are not supported")
	}
	if tree == nil || tree.Root == nil {
		return nil
	}
	return guardList(tree, tree.Root)
}

func guardList(tree *parse.Tree, list *parse.ListNode) error {
	return eachNode(list, func(n parse.Node) error {
		switch n := n.(type) {
		case *parse.TemplateNode:
			at, _ := tree.ErrorContext(n)
			return fmt.Errorf("template: %s: {{template}} is not supported", at)
		case *parse.RangeNode:
			limit := parse.NewIdentifier(guardFunc).SetTree(tree).SetPos(n.Pos)
			n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{limit}})
		}
		return nil
	})
}

// eachNode calls f with every node of list and, depth first, of the
// branches of its if, with and range nodes, stopping at f's first error.
func eachNode(list *parse.ListNode, f func(parse.Node) error) error {
	if list == nil {
		return nil
	}
	for _, n := range list.Nodes {
		if err := f(n); err != nil {
			return err
		}
		var b *parse.BranchNode
		switch n := n.(type) {
		case *parse.IfNode:
			b = &n.BranchNode
		case *parse.WithNode:
			b = &n.BranchNode
		case *parse.RangeNode:
			b = &n.BranchNode
		}
		if b == nil {
			continue
		}
		if err := eachNode(b.List, f); err != nil {
			return err
		}
		if err := eachNode(b.ElseList, f); err != nil {
			return err
		}
	}
	return nil
}

// limitRange passes on what a range iterates over, counting its length.
func (r *renderer) limitRange(v any) (any, error) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	var n int64
	switch rv.Kind() {
	case reflect.Invalid:
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n = rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n = int64(min(rv.Uint(), maxLoops+1))
	case reflect.Slice, reflect.Array, reflect.Map:
		n = int64(rv.Len())
	default:
		return nil, fmt.Errorf("cannot loop over %s", rv.Type())
	}
	if n > maxLoops-int64(r.loops) {
		return nil, fmt.Errorf("loops would run more than %d times", maxLoops)
	}
	r.loops += int(max(n, 0))
	return v, nil
}
