// Command goref prints, for every call site of the Go module in the current directory, the
// object the type checker resolved the callee to: one JSON object per line.
//
// A call site is the identifier that names the callee: `f` in f(x), `M` in x.M(), `F` in
// pkg.F[int](x), `T` in the conversion T(x). Test files are included. The callee's position is
// where its name is declared; "local" is true for objects declared inside a function. The
// first lines name the files loaded ({"loaded": path}), so files outside every package
// (testdata, _examples, other build tags) can be told apart.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"

	"golang.org/x/tools/go/packages"
)

type site struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Kind    string `json:"kind"`
	Pkg     string `json:"pkg"`
	Name    string `json:"name"`
	DefFile string `json:"defFile"`
	DefLine int    `json:"defLine"`
	DefCol  int    `json:"defCol"`
	Local   bool   `json:"local"`
}

func main() {
	root, _ := os.Getwd()
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Tests: true, Dir: root}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	seen := map[string]bool{}
	enc := json.NewEncoder(os.Stdout)
	if packages.PrintErrors(pkgs) > 0 {
		fmt.Fprintln(os.Stderr, "goref: some packages did not type-check; their sites may be missing")
	}
	files := map[string]bool{}
	for _, p := range pkgs {
		for _, name := range p.CompiledGoFiles {
			if rel, err := filepath.Rel(root, name); err == nil && !files[rel] {
				files[rel] = true
				_ = enc.Encode(map[string]string{"loaded": filepath.ToSlash(rel)})
			}
		}
	}
	for _, p := range pkgs {
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				id := calleeIdent(call.Fun)
				if id == nil {
					return true
				}
				obj := p.TypesInfo.Uses[id]
				if obj == nil {
					return true
				}
				pos := p.Fset.Position(id.Pos())
				rel, err := filepath.Rel(root, pos.Filename)
				if err != nil || filepath.IsAbs(rel) || len(rel) > 1 && rel[:2] == ".." {
					return true
				}
				key := fmt.Sprintf("%s:%d:%d", rel, pos.Line, pos.Column)
				if seen[key] {
					return true
				}
				seen[key] = true
				s := site{File: filepath.ToSlash(rel), Line: pos.Line, Col: pos.Column - 1, Name: obj.Name()}
				s.Kind = kind(obj)
				if obj.Pkg() != nil {
					s.Pkg = obj.Pkg().Path()
				}
				if obj.Pos().IsValid() {
					def := p.Fset.Position(obj.Pos())
					if drel, err := filepath.Rel(root, def.Filename); err == nil && (len(drel) < 2 || drel[:2] != "..") {
						s.DefFile, s.DefLine, s.DefCol = filepath.ToSlash(drel), def.Line, def.Column-1
					}
				}
				s.Local = obj.Parent() != nil && obj.Parent() != types.Universe && obj.Pkg() != nil &&
					obj.Parent() != obj.Pkg().Scope()
				if v, ok := obj.(*types.Var); ok && v.IsField() {
					s.Local = false
				}
				if fn, ok := obj.(*types.Func); ok && fn.Type().(*types.Signature).Recv() != nil {
					s.Local = false
				}
				_ = enc.Encode(s)
				return true
			})
		}
	}
}

func calleeIdent(fun ast.Expr) *ast.Ident {
	for {
		switch e := fun.(type) {
		case *ast.ParenExpr:
			fun = e.X
		case *ast.IndexExpr:
			fun = e.X
		case *ast.IndexListExpr:
			fun = e.X
		case *ast.Ident:
			return e
		case *ast.SelectorExpr:
			return e.Sel
		default:
			return nil
		}
	}
}

func kind(obj types.Object) string {
	switch o := obj.(type) {
	case *types.Func:
		if o.Type().(*types.Signature).Recv() != nil {
			return "method"
		}
		return "func"
	case *types.TypeName:
		return "type"
	case *types.Var:
		if o.IsField() {
			return "field"
		}
		return "var"
	case *types.Builtin:
		return "builtin"
	case *types.Const:
		return "const"
	}
	return "other"
}
