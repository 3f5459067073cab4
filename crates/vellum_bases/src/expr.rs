//! The Bases expression language: lexer, abstract syntax tree and Pratt parser.
//!
//! Filters, formulas and summary formulas share one grammar, close to a subset of
//! JavaScript expressions:
//!
//! ```text
//! expr    := unary (binop unary)*        precedence: || < && < == != < < <= > >= < + - < * / %
//! unary   := ("!" | "-") unary | postfix
//! postfix := primary ( "." ident | "." ident "(" args ")" | "[" expr "]" )*
//! primary := number | string | true | false | null | regex | ident | ident "(" args ")"
//!          | "(" expr ")" | "[" args "]" | "{" (key ":" expr),* "}"
//! ```
//!
//! Every node carries a byte span relative to the expression text. The parser is
//! bounded: input longer than [`MAX_EXPR_LEN`] is refused, and nesting deeper than
//! [`MAX_DEPTH`] stops with a problem instead of recursing further, so hostile
//! input such as 100,000 nested parentheses cannot overflow the stack.

use std::fmt;
use std::ops::Range;

/// Longest expression text accepted, in bytes.
pub const MAX_EXPR_LEN: usize = 1 << 20;
/// Deepest nesting of parentheses, brackets, unary operators and calls.
pub const MAX_DEPTH: usize = 128;

/// A parsed expression node with its byte span in the expression text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Byte range in the expression text.
    pub span: Range<usize>,
    /// Height of the tree under this node, 1 for a leaf.
    pub(crate) depth: usize,
}

/// The kinds of expression nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number literal.
    Number(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// A regular expression literal `/pattern/flags`.
    Regex {
        /// The pattern between the slashes.
        pattern: String,
        /// The flags after the closing slash.
        flags: String,
    },
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{"k": v, k2: v2}`
    Object(Vec<(String, Expr)>),
    /// A bare identifier such as `price`, `file`, `formula`, `this`, `value`.
    Ident(String),
    /// `target.name`
    Member {
        /// The receiver.
        target: Box<Expr>,
        /// The field name.
        name: String,
        /// Span of the field name.
        name_span: Range<usize>,
    },
    /// `target[index]`
    Index {
        /// The receiver.
        target: Box<Expr>,
        /// The index expression.
        index: Box<Expr>,
    },
    /// A global function call `name(args)`.
    Call {
        /// Function name.
        name: String,
        /// Span of the name.
        name_span: Range<usize>,
        /// Arguments, unevaluated.
        args: Vec<Expr>,
    },
    /// A method call `target.name(args)`.
    Method {
        /// The receiver.
        target: Box<Expr>,
        /// Method name.
        name: String,
        /// Span of the method name.
        name_span: Range<usize>,
        /// Arguments, unevaluated.
        args: Vec<Expr>,
    },
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// An infix operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne => 3,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 6,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

/// A syntax error inside one expression, with its span in the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range in the expression text.
    pub span: Range<usize>,
    /// What went wrong.
    pub message: String,
    /// True when the expression was refused for its size or nesting depth.
    pub too_large: bool,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Regex(String, String),
    Ident(String),
    /// Punctuation and operators.
    Punct(&'static str),
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

const PUNCT: &[&str] = &[
    "&&", "||", "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "!", "<", ">", "+", "-",
    "*", "/", "%",
];

fn is_ident_start(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphanumeric()
}

/// Splits expression text into tokens.
fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut tokens: Vec<Token> = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < src.len() {
        let Some(c) = src[i..].chars().next() else {
            break;
        };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // A dot belongs to the number only when a digit follows, so `1.isTruthy()`
            // is a method call on 1.
            if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let n: f64 = src[start..i].parse().map_err(|_| SyntaxError {
                span: start..i,
                message: "invalid number".into(),
                too_large: false,
            })?;
            tokens.push(Token { tok: Tok::Num(n), span: start..i });
            continue;
        }
        if c == '"' || c == '\'' {
            let (s, end) = lex_string(src, i, c)?;
            tokens.push(Token { tok: Tok::Str(s), span: start..end });
            i = end;
            continue;
        }
        if is_ident_start(c) {
            while let Some(ch) = src[i..].chars().next() {
                if is_ident_continue(ch) {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            tokens.push(Token { tok: Tok::Ident(src[start..i].to_owned()), span: start..i });
            continue;
        }
        if c == '/' && regex_allowed(tokens.last()) {
            let (pattern, flags, end) = lex_regex(src, i)?;
            tokens.push(Token { tok: Tok::Regex(pattern, flags), span: start..end });
            i = end;
            continue;
        }
        let Some(p) = PUNCT.iter().find(|p| src[i..].starts_with(**p)) else {
            return Err(SyntaxError {
                span: start..start + c.len_utf8(),
                message: format!("unexpected character `{c}`"),
                too_large: false,
            });
        };
        i += p.len();
        tokens.push(Token { tok: Tok::Punct(p), span: start..i });
    }
    tokens.push(Token { tok: Tok::Eof, span: src.len()..src.len() });
    Ok(tokens)
}

/// A `/` starts a regular expression unless it follows something that ends a
/// value, where it is division.
fn regex_allowed(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Num(_) | Tok::Str(_) | Tok::Regex(..) | Tok::Ident(_)) => false,
        Some(Tok::Punct(p)) => !matches!(*p, ")" | "]" | "}"),
        Some(Tok::Eof) => true,
    }
}

fn lex_string(src: &str, start: usize, quote: char) -> Result<(String, usize), SyntaxError> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        let at = start + 1 + off;
        if ch == quote {
            return Ok((out, at + 1));
        }
        if ch == '\\' {
            let Some((_, esc)) = chars.next() else {
                break;
            };
            match esc {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'u' => {
                    let hex: String = chars.clone().take(4).map(|(_, c)| c).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(c) if hex.len() == 4 => {
                            out.push(c);
                            for _ in 0..4 {
                                chars.next();
                            }
                        }
                        _ => out.push('u'),
                    }
                }
                other => out.push(other),
            }
            continue;
        }
        out.push(ch);
    }
    Err(SyntaxError {
        span: start..src.len(),
        message: "unterminated string literal".into(),
        too_large: false,
    })
}

fn lex_regex(src: &str, start: usize) -> Result<(String, String, usize), SyntaxError> {
    let mut pattern = String::new();
    let mut in_class = false;
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        match ch {
            '\\' => {
                pattern.push('\\');
                if let Some((_, next)) = chars.next() {
                    pattern.push(next);
                }
            }
            '[' => {
                in_class = true;
                pattern.push(ch);
            }
            ']' => {
                in_class = false;
                pattern.push(ch);
            }
            '/' if !in_class => {
                let mut end = start + 1 + off + 1;
                let flags_start = end;
                while let Some(f) = src[end..].chars().next() {
                    if f.is_ascii_alphabetic() {
                        end += 1;
                    } else {
                        break;
                    }
                }
                return Ok((pattern, src[flags_start..end].to_owned(), end));
            }
            '\n' => break,
            _ => pattern.push(ch),
        }
    }
    Err(SyntaxError {
        span: start..src.len(),
        message: "unterminated regular expression".into(),
        too_large: false,
    })
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Parses one expression.
///
/// ```
/// use vellum_bases::expr::{parse_expr, ExprKind};
/// let e = parse_expr("price * 2").unwrap();
/// assert!(matches!(e.kind, ExprKind::Binary(..)));
/// assert_eq!(e.span, 0..9);
/// ```
pub fn parse_expr(src: &str) -> Result<Expr, SyntaxError> {
    if src.len() > MAX_EXPR_LEN {
        return Err(SyntaxError {
            span: 0..0,
            message: format!("expression is {} bytes long; the limit is {MAX_EXPR_LEN}", src.len()),
            too_large: true,
        });
    }
    let tokens = lex(src)?;
    let mut p = Parser { tokens, pos: 0, depth: 0 };
    let e = p.expr(0)?;
    let t = p.peek().clone();
    if t.tok != Tok::Eof {
        return Err(SyntaxError {
            span: t.span,
            message: "unexpected token after the end of the expression".into(),
            too_large: false,
        });
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof and `pos` never passes it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(&self.peek().tok, Tok::Punct(q) if *q == p)
    }

    fn expect(&mut self, p: &str) -> Result<Token, SyntaxError> {
        if self.is_punct(p) {
            Ok(self.bump())
        } else {
            let t = self.peek();
            Err(SyntaxError { span: t.span.clone(), message: format!("expected `{p}`"), too_large: false })
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        // A parenthesised or bracketed level enters twice (the bracket, then the
        // inner expression), so the parser allows twice the tree depth.
        if self.depth > 2 * MAX_DEPTH + 8 {
            let t = self.peek();
            return Err(SyntaxError {
                span: t.span.clone(),
                message: format!("expression is nested more than {MAX_DEPTH} levels deep"),
                too_large: true,
            });
        }
        Ok(())
    }

    fn binary_op(&self) -> Option<BinaryOp> {
        let Tok::Punct(p) = &self.peek().tok else {
            return None;
        };
        Some(match *p {
            "||" => BinaryOp::Or,
            "&&" => BinaryOp::And,
            "==" => BinaryOp::Eq,
            "!=" => BinaryOp::Ne,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::Le,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::Ge,
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            "%" => BinaryOp::Rem,
            _ => return None,
        })
    }

    fn expr(&mut self, min_prec: u8) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let mut left = self.unary()?;
        while let Some(op) = self.binary_op() {
            let prec = op.precedence();
            if prec <= min_prec {
                break;
            }
            self.bump();
            let right = self.expr(prec)?;
            let span = left.span.start..right.span.end;
            left = mk(ExprKind::Binary(op, Box::new(left), Box::new(right)), span)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        let op = if self.is_punct("!") {
            Some(UnaryOp::Not)
        } else if self.is_punct("-") {
            Some(UnaryOp::Neg)
        } else {
            None
        };
        if let Some(op) = op {
            let start = self.bump().span.start;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return mk(ExprKind::Unary(op, Box::new(inner)), span);
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.primary()?;
        loop {
            if self.is_punct(".") {
                self.bump();
                let t = self.bump();
                let Tok::Ident(name) = t.tok else {
                    return Err(SyntaxError {
                        span: t.span,
                        message: "expected a property or method name after `.`".into(),
                        too_large: false,
                    });
                };
                if self.is_punct("(") {
                    let (args, end) = self.args("(", ")")?;
                    let span = e.span.start..end;
                    e = mk(ExprKind::Method { target: Box::new(e), name, name_span: t.span, args }, span)?;
                } else {
                    let span = e.span.start..t.span.end;
                    e = mk(ExprKind::Member { target: Box::new(e), name, name_span: t.span }, span)?;
                }
            } else if self.is_punct("[") {
                self.bump();
                let index = self.expr(0)?;
                let end = self.expect("]")?.span.end;
                let span = e.span.start..end;
                e = mk(ExprKind::Index { target: Box::new(e), index: Box::new(index) }, span)?;
            } else {
                return Ok(e);
            }
        }
    }

    /// Parses a delimited, comma-separated list of expressions; returns them and the
    /// end offset of the closing delimiter.
    fn args(&mut self, open: &str, close: &str) -> Result<(Vec<Expr>, usize), SyntaxError> {
        self.expect(open)?;
        let mut args = Vec::new();
        loop {
            if self.is_punct(close) {
                break;
            }
            args.push(self.expr(0)?);
            if !self.is_punct(",") {
                break;
            }
            self.bump();
        }
        let end = self.expect(close)?.span.end;
        Ok((args, end))
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let t = self.peek().clone();
        let lit = |kind| mk(kind, t.span.clone());
        match &t.tok {
            Tok::Num(n) => {
                self.bump();
                lit(ExprKind::Number(*n))
            }
            Tok::Str(s) => {
                self.bump();
                lit(ExprKind::Str(s.clone()))
            }
            Tok::Regex(pattern, flags) => {
                self.bump();
                lit(ExprKind::Regex { pattern: pattern.clone(), flags: flags.clone() })
            }
            Tok::Ident(name) => {
                self.bump();
                match name.as_str() {
                    "true" => return lit(ExprKind::Bool(true)),
                    "false" => return lit(ExprKind::Bool(false)),
                    "null" => return lit(ExprKind::Null),
                    _ => {}
                }
                if self.is_punct("(") {
                    self.enter()?;
                    let (args, end) = self.args("(", ")")?;
                    self.depth -= 1;
                    return mk(
                        ExprKind::Call { name: name.clone(), name_span: t.span.clone(), args },
                        t.span.start..end,
                    );
                }
                lit(ExprKind::Ident(name.clone()))
            }
            Tok::Punct("(") => {
                self.bump();
                self.enter()?;
                let inner = self.expr(0)?;
                self.depth -= 1;
                let end = self.expect(")")?.span.end;
                mk(inner.kind, t.span.start..end)
            }
            Tok::Punct("[") => {
                self.enter()?;
                let (items, end) = self.args("[", "]")?;
                self.depth -= 1;
                mk(ExprKind::List(items), t.span.start..end)
            }
            Tok::Punct("{") => {
                self.enter()?;
                self.bump();
                let mut entries = Vec::new();
                while !self.is_punct("}") {
                    let k = self.bump();
                    let key = match k.tok {
                        Tok::Str(s) | Tok::Ident(s) => s,
                        Tok::Num(n) => crate::value::format_number(n),
                        _ => {
                            return Err(SyntaxError {
                                span: k.span,
                                message: "expected an object key".into(),
                                too_large: false,
                            });
                        }
                    };
                    self.expect(":")?;
                    let v = self.expr(0)?;
                    entries.push((key, v));
                    if !self.is_punct(",") {
                        break;
                    }
                    self.bump();
                }
                let end = self.expect("}")?.span.end;
                self.depth -= 1;
                mk(ExprKind::Object(entries), t.span.start..end)
            }
            Tok::Eof => Err(SyntaxError {
                span: t.span.clone(),
                message: "unexpected end of expression".into(),
                too_large: false,
            }),
            Tok::Punct(p) => Err(SyntaxError {
                span: t.span.clone(),
                message: format!("unexpected `{p}`"),
                too_large: false,
            }),
        }
    }
}

fn child_depth(kind: &ExprKind) -> usize {
    let mut d = 0;
    match kind {
        ExprKind::List(items) => items.iter().for_each(|i| d = d.max(i.depth)),
        ExprKind::Object(entries) => entries.iter().for_each(|(_, v)| d = d.max(v.depth)),
        ExprKind::Member { target, .. } => d = target.depth,
        ExprKind::Index { target, index } => d = target.depth.max(index.depth),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| d = d.max(a.depth)),
        ExprKind::Method { target, args, .. } => {
            d = target.depth;
            args.iter().for_each(|a| d = d.max(a.depth));
        }
        ExprKind::Unary(_, inner) => d = inner.depth,
        ExprKind::Binary(_, l, r) => d = l.depth.max(r.depth),
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::Str(_)
        | ExprKind::Regex { .. }
        | ExprKind::Ident(_) => {}
    }
    d
}

/// Builds a node, refusing trees taller than [`MAX_DEPTH`] (long operator or
/// member chains build tall trees without recursing in the parser, and the
/// evaluator walks them recursively).
fn mk(kind: ExprKind, span: Range<usize>) -> Result<Expr, SyntaxError> {
    let depth = child_depth(&kind) + 1;
    if depth > MAX_DEPTH {
        return Err(SyntaxError {
            span,
            message: format!("expression is nested more than {MAX_DEPTH} levels deep"),
            too_large: true,
        });
    }
    Ok(Expr { kind, span, depth })
}

/// Visits every node of an expression, parents before children.
pub fn walk<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    match &e.kind {
        ExprKind::List(items) => items.iter().for_each(|i| walk(i, f)),
        ExprKind::Object(entries) => entries.iter().for_each(|(_, v)| walk(v, f)),
        ExprKind::Member { target, .. } => walk(target, f),
        ExprKind::Index { target, index } => {
            walk(target, f);
            walk(index, f);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| walk(a, f)),
        ExprKind::Method { target, args, .. } => {
            walk(target, f);
            args.iter().for_each(|a| walk(a, f));
        }
        ExprKind::Unary(_, inner) => walk(inner, f),
        ExprKind::Binary(_, l, r) => {
            walk(l, f);
            walk(r, f);
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::Str(_)
        | ExprKind::Regex { .. }
        | ExprKind::Ident(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        match parse_expr(s) {
            Ok(e) => e,
            Err(err) => panic!("{s}: {err:?}"),
        }
    }

    #[test]
    fn precedence_and_spans() {
        let e = p("1 + 2 * 3");
        let ExprKind::Binary(BinaryOp::Add, l, r) = &e.kind else { panic!("{e:?}") };
        assert_eq!(l.span, 0..1);
        assert_eq!(r.span, 4..9);
        assert!(matches!(r.kind, ExprKind::Binary(BinaryOp::Mul, ..)));
        let e = p("a || b && c == d");
        assert!(matches!(e.kind, ExprKind::Binary(BinaryOp::Or, ..)));
        let e = p("1 - 2 - 3");
        let ExprKind::Binary(BinaryOp::Sub, l, _) = &e.kind else { panic!() };
        assert_eq!(l.span, 0..5, "left associative");
    }

    #[test]
    fn method_member_index_call_spans() {
        let e = p("file.hasTag(\"a\", 'b')");
        let ExprKind::Method { target, name, name_span, args } = &e.kind else { panic!() };
        assert_eq!(name, "hasTag");
        assert_eq!(*name_span, 5..11);
        assert_eq!(target.span, 0..4);
        assert_eq!(args.len(), 2);
        assert_eq!(args[1].span, 17..20);
        assert_eq!(e.span, 0..21);
        let e = p("note[\"my prop\"][0]");
        assert!(matches!(e.kind, ExprKind::Index { .. }));
        assert_eq!(e.span, 0..18);
        let e = p("if(a, 1)");
        let ExprKind::Call { name, name_span, .. } = &e.kind else { panic!() };
        assert_eq!((name.as_str(), name_span.clone()), ("if", 0..2));
    }

    #[test]
    fn number_then_method() {
        let e = p("1.isTruthy()");
        assert!(matches!(&e.kind, ExprKind::Method { target, .. } if target.kind == ExprKind::Number(1.0)));
        assert_eq!(p("(2.5).round()").span, 0..13);
        assert_eq!(p("2.5").kind, ExprKind::Number(2.5));
        assert_eq!(p("1e3").kind, ExprKind::Number(1000.0));
    }

    #[test]
    fn regex_versus_division() {
        let e = p("/a:b/g.matches(x)");
        let ExprKind::Method { target, .. } = &e.kind else { panic!() };
        assert_eq!(target.kind, ExprKind::Regex { pattern: "a:b".into(), flags: "g".into() });
        assert!(matches!(p("a / b / c").kind, ExprKind::Binary(BinaryOp::Div, ..)));
        assert!(matches!(p("(a) / 2").kind, ExprKind::Binary(BinaryOp::Div, ..)));
        assert!(matches!(
            &p("x.replace(/[/]/, '-')").kind,
            ExprKind::Method { args, .. } if matches!(&args[0].kind, ExprKind::Regex { pattern, .. } if pattern == "[/]")
        ));
    }

    #[test]
    fn literals() {
        assert_eq!(p("'it\\'s'").kind, ExprKind::Str("it's".into()));
        assert_eq!(p("\"a\\nb\"").kind, ExprKind::Str("a\nb".into()));
        assert!(matches!(p("[1, 'a', [true]]").kind, ExprKind::List(ref v) if v.len() == 3));
        assert!(matches!(p("{\"a\": 1, b: 2}").kind, ExprKind::Object(ref v) if v.len() == 2));
        assert!(matches!(p("{}").kind, ExprKind::Object(ref v) if v.is_empty()));
        assert_eq!(p("null").kind, ExprKind::Null);
        assert!(matches!(p("!-x").kind, ExprKind::Unary(UnaryOp::Not, _)));
    }

    #[test]
    fn errors_have_spans() {
        let err = parse_expr("a + ").err();
        assert_eq!(err.map(|e| e.span), Some(4..4));
        let err = parse_expr("a # b").err();
        assert_eq!(err.map(|e| e.span), Some(2..3));
        let err = parse_expr("'abc").err();
        assert_eq!(err.map(|e| e.span), Some(0..4));
        let err = parse_expr("f(a b)").err();
        assert_eq!(err.map(|e| e.span), Some(4..5));
        assert!(parse_expr("a.").is_err());
        assert!(parse_expr("").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let err = parse_expr(&s).err();
        assert!(matches!(err, Some(SyntaxError { too_large: true, .. })));
        let s = format!("{}1", "-".repeat(100_000));
        assert!(parse_expr(&s).is_err());
        let s = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
        assert!(parse_expr(&s).is_err());
        let s = format!("{}1{}", "f(".repeat(50_000), ")".repeat(50_000));
        assert!(parse_expr(&s).is_err());
        let s = format!("{}1{}", "{a:".repeat(50_000), "}".repeat(50_000));
        assert!(parse_expr(&s).is_err());
        let ok = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(parse_expr(&ok).is_ok());
    }
}
