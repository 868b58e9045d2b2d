#!/usr/bin/env python3
"""Static checks of the Dart binding, for machines without a Dart SDK:
(1) every .dart file parses with tree-sitter-dart, with zero ERROR or MISSING
nodes; (2) every native symbol the Dart code looks up is exported by the
built library (`nm -D --defined-only`); (3) every call of the generated
SessionTracker (`_ffi.<method>(...)`, `gen.SessionTracker.<method>(...)`, or
a tear-off of one) names a method the generated class has, with as many
positional arguments as it takes and only its named parameters (all its
required ones) — a mismatch parses, and only a Dart compiler would refuse it;
(4) likewise every call of the package's own classes (bindings-dart/lib
outside the generated file: the wrapper SessionTracker, AsyncSessionTracker,
SessionLifecycleBinding, SessionEndTimer, the exceptions): a constructor
(`SessionEndTimer(...)`, `AsyncSessionTracker.open(...)`, `const
ClosedException(...)`, a redirection `: this.named(...)`) fits the one it
names, and a method call `receiver.method(...)` whose method is named as one
of theirs fits at least one of the methods of that name — without a Dart
analyzer the receiver's type is unknown, so that check is by name only.
A check that finds nothing to check fails. Prints `dart-static: N passed, M failed`.
usage: dart_static_check.py LIBRARY DART_DIR..."""

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import tree_sitter
import tree_sitter_dart

# `lookupFunction<NativeType, DartType>('symbol')` and `lookup<T>('symbol')`:
# the type arguments may nest, so match lazily up to the first `>('`.
LOOKUP_CALL = re.compile(r"\.(?:lookupFunction|lookup)\s*<")
LOOKUP_SYMBOL = re.compile(r"\.(?:lookupFunction|lookup)\s*<.*?>\s*\(\s*'([A-Za-z0-9_]+)'", re.S)
PACKAGE_LIB = Path(__file__).resolve().parent.parent / "bindings-dart/lib"
GENERATED = PACKAGE_LIB / "src/generated/sessioncore.dart"
CONSTRUCTORS = ("constructor_signature", "constant_constructor_signature", "factory_constructor_signature")


@dataclass
class Signature:
    """A method's parameters: positional (required, then optional) and named."""

    required: int
    positional: int
    named: set[str]
    required_named: set[str]

    def refuses(self, positional: int | None, named: list[str]) -> str | None:
        """Why a call with these arguments (None: a tear-off, called with none) does not fit."""
        if positional is None:
            return "a tear-off of a method with required parameters" if self.required or self.required_named else None
        if not self.required <= positional <= self.positional:
            return f"{positional} positional arguments, it takes {self.required} to {self.positional}"
        unknown, missing = set(named) - self.named, self.required_named - set(named)
        if unknown:
            return f"no named parameter {', '.join(sorted(unknown))} (it has {', '.join(sorted(self.named)) or 'none'})"
        return f"missing required named {', '.join(sorted(missing))}" if missing else None


def syntax_errors(parser: tree_sitter.Parser, path: Path) -> list[str]:
    tree = parser.parse(path.read_bytes())
    found, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            kind = "MISSING" if node.is_missing else "ERROR"
            found.append(f"{path}:{node.start_point[0] + 1}:{node.start_point[1] + 1}: {kind} {node.type}")
        stack.extend(node.children)
    return found


def text(node) -> str:
    return node.text.decode()


def walk(node):
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def parameter_name(member) -> str:
    """A formal parameter's name, also of `this.name` and `super.name`."""
    for child in reversed(member.children):
        if child.type == "identifier":
            return text(child)
        if child.type in ("constructor_param", "super_formal_parameter"):
            return parameter_name(child)
    raise ValueError(f"no name in the parameter {text(member)!r}")


def signature_of(parameters) -> Signature:
    """The Signature of a `formal_parameter_list`."""
    required = sum(1 for c in parameters.children if c.type == "formal_parameter")
    optional, named, required_named = 0, set(), set()
    for group in (c for c in parameters.children if c.type == "optional_formal_parameters"):
        members = [c for c in group.children if c.type == "formal_parameter"]
        if text(group.children[0]) == "[":
            optional += len(members)
            continue
        for member in members:
            parameter = parameter_name(member)
            named.add(parameter)
            if member.prev_sibling is not None and text(member.prev_sibling) == "required":
                required_named.add(parameter)
    return Signature(required, required + optional, named, required_named)


def parameters_of(signature):
    return next(c for c in signature.children if c.type == "formal_parameter_list")


def generated_methods(parser: tree_sitter.Parser, generated: Path) -> dict[str, Signature]:
    """The methods of the generated `SessionTracker` class, static ones included."""
    tree = parser.parse(generated.read_bytes())
    methods = {}
    for node in walk(tree.root_node):
        if node.type != "class_definition" or text(node.child_by_field_name("name") or node.children[1]) != "SessionTracker":
            continue
        for signature in walk(node):
            if signature.type != "function_signature":
                continue
            name = next(text(c) for c in signature.children if c.type == "identifier")
            methods[name] = signature_of(parameters_of(signature))
    return methods


@dataclass
class PackageApi:
    """The package's own classes: `constructors[(class, name)]` (name "" for
    the unnamed one; static methods too, which are called alike) and
    `methods[name]`, every class's instance method of that name."""

    constructors: dict[tuple[str, str], Signature]
    methods: dict[str, list[tuple[str, Signature]]]


def package_api(parser: tree_sitter.Parser, files: list[Path]) -> PackageApi:
    """The constructors and methods the classes of [files] declare (their own
    members, not the functions inside them; getters are not calls)."""
    api = PackageApi({}, {})
    for path in files:
        for node in walk(parser.parse(path.read_bytes()).root_node):
            if node.type != "class_definition":
                continue
            cls = text(next(c for c in node.children if c.type == "identifier"))
            body = next(c for c in node.children if c.type == "class_body")
            for member in (c for c in body.children if c.type in ("method_signature", "declaration")):
                static = any(c.type == "static" for c in member.children)
                for signature in (c for c in member.children if c.type in ("function_signature", *CONSTRUCTORS)):
                    names = [text(c) for c in signature.children if c.type == "identifier"]
                    if signature.type == "function_signature" and static:
                        api.constructors[(cls, names[-1])] = signature_of(parameters_of(signature))
                    elif signature.type == "function_signature":
                        api.methods.setdefault(names[-1], []).append((cls, signature_of(parameters_of(signature))))
                    else:  # Class(...) or Class.name(...)
                        api.constructors[(cls, names[1] if len(names) > 1 else "")] = signature_of(parameters_of(signature))
    return api


def arguments_shape(arguments) -> tuple[int, list[str]]:
    positional = sum(1 for c in arguments.children if c.type == "argument")
    named = [text(c.child(0).child(0)) for c in arguments.children if c.type == "named_argument"]
    return positional, named


def package_calls(tree, api: PackageApi):
    """(line, what, the signatures it may fit, positional count, named names)
    of each call of the package's own classes."""
    for node in walk(tree.root_node):
        line = node.start_point[0] + 1
        if node.type == "const_object_expression":  # const Class(...), const Class.name(...)
            names = [text(c) for c in node.children if c.type in ("type_identifier", "identifier")]
            key = (names[0], names[1] if len(names) > 1 else "")
            if key in api.constructors:
                yield line, ".".join(names), [api.constructors[key]], *arguments_shape(next(c for c in node.children if c.type == "arguments"))
        elif node.type == "redirection":  # : this(...), : this.name(...) in a constructor of the enclosing class
            cls = node
            while cls.type != "class_definition":
                cls = cls.parent
            cls_name = text(next(c for c in cls.children if c.type == "identifier"))
            names = [text(c) for c in node.children if c.type == "identifier"]
            key = (cls_name, names[0] if names else "")
            arguments = next(c for c in node.children if c.type == "arguments")
            yield line, f"{cls_name}.{key[1]}" if key[1] else cls_name, [api.constructors.get(key)], *arguments_shape(arguments)
        elif node.type == "selector" and node.children[0].type in ("unconditional_assignable_selector", "conditional_assignable_selector"):
            after = node.next_named_sibling
            if after is None or after.type != "selector" or after.children[0].type != "argument_part":
                continue  # not a call: a property, a tear-off
            method = text(node.children[0].children[-1])
            receiver = primary = node.prev_named_sibling
            while primary is not None and primary.type == "selector":
                primary = primary.prev_named_sibling
            shape = arguments_shape(next(c for c in after.children[0].children if c.type == "arguments"))
            if primary is not None and primary.type == "identifier" and text(primary) in ("_ffi", "gen"):
                continue  # the generated code's calls: check (3)
            if receiver is not None and receiver.type == "identifier" and text(receiver)[:1].isupper():
                if (text(receiver), method) in api.constructors:  # Class.name(...): a named constructor or a static method
                    yield line, f"{text(receiver)}.{method}", [api.constructors[(text(receiver), method)]], *shape
                continue  # another class's static member
            if method in api.methods:
                yield line, method, [signature for _, signature in api.methods[method]], *shape
        elif node.type == "identifier" and (text(node), "") in api.constructors:  # Class(...)
            after = node.next_named_sibling
            if after is not None and after.type == "selector" and after.children[0].type == "argument_part":
                arguments = next(c for c in after.children[0].children if c.type == "arguments")
                yield line, text(node), [api.constructors[(text(node), "")]], *arguments_shape(arguments)


def tracker_calls(tree):
    """(line, method, positional count or None for a tear-off, named argument names) of each use."""
    for node in walk(tree.root_node):
        if node.type != "identifier" or text(node) not in ("_ffi", "gen"):
            continue
        selectors, sibling = [], node.next_named_sibling
        while sibling is not None and sibling.type == "selector":
            selectors.append(sibling.children[0])
            sibling = sibling.next_named_sibling
        names = [text(s.children[-1]) for s in selectors if s.type == "unconditional_assignable_selector"]
        if text(node) == "gen":  # gen.SessionTracker.<static method>
            if names[:1] != ["SessionTracker"] or len(selectors) < 2:
                continue
            selectors = selectors[1:]
        if not selectors or selectors[0].type != "unconditional_assignable_selector":
            continue
        method = text(selectors[0].children[-1])
        if len(selectors) < 2 or selectors[1].type != "argument_part":
            yield node.start_point[0] + 1, method, None, []
            continue
        arguments = next(c for c in selectors[1].children if c.type == "arguments")
        yield node.start_point[0] + 1, method, *arguments_shape(arguments)


def exported_symbols(library: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


def main() -> int:
    library, dirs = Path(sys.argv[1]), [Path(d) for d in sys.argv[2:]]
    files = sorted(f for d in dirs for f in d.rglob("*.dart") if ".dart_tool" not in f.parts)
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_dart.language()))
    passed = failed = 0

    if not files:
        print(f"FAIL no .dart files under {', '.join(map(str, dirs))}")
        failed += 1
    for path in files:
        errors = syntax_errors(parser, path)
        for error in errors:
            print(f"FAIL syntax {error}")
        if errors:
            failed += 1
        else:
            passed += 1
    print(f"dart-static: parsed {len(files)} files")

    exported = exported_symbols(library)
    looked_up = set()
    for path in files:
        text = path.read_text()
        calls, symbols = len(LOOKUP_CALL.findall(text)), LOOKUP_SYMBOL.findall(text)
        if calls != len(symbols):
            print(f"FAIL {path}: {calls} symbol lookups but only {len(symbols)} symbol names extracted")
            failed += 1
        looked_up.update(symbols)
    if not looked_up:
        print("FAIL no native symbol lookups found in the Dart code")
        failed += 1
    for symbol in sorted(looked_up):
        if symbol in exported:
            passed += 1
        else:
            print(f"FAIL symbol {symbol} is looked up by the Dart code but not exported by {library}")
            failed += 1
    print(f"dart-static: {len(looked_up)} native symbols looked up, checked against {library.name}")

    methods = generated_methods(parser, GENERATED) if GENERATED.exists() else {}
    if not methods:
        print(f"FAIL no SessionTracker methods found in {GENERATED}")
        failed += 1
    calls = 0
    for path in (f for f in files if f.resolve() != GENERATED):
        for line, method, positional, named in tracker_calls(parser.parse(path.read_bytes())):
            calls += 1
            signature = methods.get(method)
            why = f"the generated SessionTracker has no method {method}" if signature is None else signature.refuses(positional, named)
            if why:
                print(f"FAIL call {path}:{line}: {method}: {why}")
                failed += 1
            else:
                passed += 1
    if not calls:
        print("FAIL no calls of the generated SessionTracker found in the Dart code")
        failed += 1
    print(f"dart-static: {calls} calls of the generated SessionTracker checked against its {len(methods)} methods")

    own = sorted(f for f in PACKAGE_LIB.rglob("*.dart") if f.resolve() != GENERATED.resolve())
    api = package_api(parser, own)
    if not api.constructors or not api.methods:
        print(f"FAIL no classes with constructors and methods found in {PACKAGE_LIB}")
        failed += 1
    calls = 0
    for path in (f for f in files if f.resolve() != GENERATED.resolve()):
        for line, what, signatures, positional, named in package_calls(parser.parse(path.read_bytes()), api):
            calls += 1
            if None in signatures:
                why = "the class has no such constructor"
            else:
                refusals = [signature.refuses(positional, named) for signature in signatures]
                why = None if None in refusals else "; ".join(dict.fromkeys(refusals))
            if why:
                print(f"FAIL call {path}:{line}: {what}: {why}")
                failed += 1
            else:
                passed += 1
    if not calls:
        print("FAIL no calls of the package's own classes found in the Dart code")
        failed += 1
    declared = len(api.constructors) + sum(len(m) for m in api.methods.values())
    print(f"dart-static: {calls} calls of the package's own classes checked against their {declared} constructors and methods")
    print(f"dart-static: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
