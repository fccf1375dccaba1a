//! Where each node of a YAML document is, by path.
//!
//! serde_yaml reports a line and column for syntax and type errors, but gives
//! no spans to the values it produces, so the semantic checks (a default
//! outside its range, a duplicate parameter name) could not say where the
//! problem is. This index, built from the same text with saphyr-parser's event
//! stream, maps each node's path to its position. Paths use serde_yaml's own
//! spelling (`parameters[2].default`), so both kinds of error read alike.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

use crate::diagnostic::Location;

/// Positions of the nodes of one YAML document.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<String, Node>,
}

/// Where a node is, and where the key naming it is (for mapping values).
#[derive(Debug, Clone, Copy)]
struct Node {
    value: Location,
    key: Option<Location>,
    collection: bool,
}

impl SpanIndex {
    /// Indexes `text`. A document the event parser cannot read yields an empty
    /// index; serde_yaml reports the syntax error itself.
    pub fn build(text: &str) -> Self {
        let mut index = SpanIndex::default();
        let mut events = Parser::new_from_str(text).map_while(Result::ok);
        // StreamStart, DocumentStart, then the root node.
        for (event, span) in events.by_ref() {
            match event {
                Event::StreamStart | Event::DocumentStart(_) => continue,
                Event::StreamEnd => break,
                _ => {
                    index.node(event, span, String::new(), None, &mut events);
                    break;
                }
            }
        }
        index
    }

    /// Where to report a problem with the node at `path`: a scalar where its
    /// value is; a mapping or sequence where its key is (`endpoints:`), since
    /// its value starts on another line. A node that is not there is reported
    /// at its nearest ancestor (a missing key where its mapping is).
    pub fn locate(&self, path: &str) -> Location {
        let node = self.nearest(path);
        match node {
            Some(Node {
                collection: true,
                key: Some(key),
                ..
            }) => key,
            Some(node) => node.value,
            None => Location::START,
        }
    }

    /// Where the key naming the node at `path` is, for problems with the key
    /// itself (an unknown field); the node's own position if it has no key.
    pub fn locate_key(&self, path: &str) -> Location {
        match self.nearest(path) {
            Some(Node { key: Some(key), .. }) => key,
            Some(node) => node.value,
            None => Location::START,
        }
    }

    fn nearest(&self, path: &str) -> Option<Node> {
        let mut path = path;
        loop {
            if let Some(node) = self.nodes.get(path) {
                return Some(*node);
            }
            path = parent(path)?;
        }
    }

    fn node<'a>(
        &mut self,
        event: Event<'a>,
        span: Span,
        path: String,
        key: Option<Location>,
        events: &mut impl Iterator<Item = (Event<'a>, Span)>,
    ) {
        let collection = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        let node = Node {
            value: location(span),
            key,
            collection,
        };
        self.nodes.insert(path.clone(), node);
        match event {
            Event::MappingStart(..) => loop {
                let Some((key, key_span)) = events.next() else {
                    return;
                };
                let child = match &key {
                    Event::MappingEnd => return,
                    Event::Scalar(text, ..) => join_key(&path, text),
                    // A non-scalar key has no path of ours; index it under a
                    // name no real key can have and skip its value.
                    _ => format!("{path}.<complex key>"),
                };
                if !matches!(key, Event::Scalar(..)) {
                    self.node(key, key_span, child.clone(), None, events);
                }
                let Some((value, value_span)) = events.next() else {
                    return;
                };
                self.node(value, value_span, child, Some(location(key_span)), events);
            },
            Event::SequenceStart(..) => {
                let mut position = 0;
                loop {
                    let Some((item, item_span)) = events.next() else {
                        return;
                    };
                    if matches!(item, Event::SequenceEnd) {
                        return;
                    }
                    self.node(item, item_span, format!("{path}[{position}]"), None, events);
                    position += 1;
                }
            }
            _ => {}
        }
    }
}

fn location(span: Span) -> Location {
    Location {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// `parameters[2]` + `default` → `parameters[2].default`; the root has no prefix.
pub(crate) fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `parameters[2].default` → `parameters[2]` → `parameters` → `` → none.
fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    if let Some(stripped) = path.strip_suffix(']')
        && let Some(open) = stripped.rfind('[')
    {
        return Some(&path[..open]);
    }
    Some(path.rfind('.').map_or("", |dot| &path[..dot]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
id: z-image-turbo
parameters:
  - name: prompt
    type: string
  - name: strength
    minimum: 0
    default: 0.6
    enum: [a, b]
nested: {inner: {deep: 1}}
";

    fn at(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn locates_values_in_block_and_flow_style() {
        let index = SpanIndex::build(DOC);
        assert_eq!(index.locate("id"), at(1, 5));
        assert_eq!(index.locate_key("id"), at(1, 1));
        assert_eq!(
            index.locate("parameters"),
            at(2, 1),
            "a collection, at its key"
        );
        assert_eq!(index.locate("parameters[0]"), at(3, 5));
        assert_eq!(index.locate("parameters[1].name"), at(5, 11));
        assert_eq!(index.locate("parameters[1].default"), at(7, 14));
        assert_eq!(index.locate("parameters[1].enum[1]"), at(8, 15));
        assert_eq!(index.locate("nested.inner.deep"), at(9, 24));
        assert_eq!(index.locate_key("nested.inner.deep"), at(9, 18));
    }

    #[test]
    fn missing_nodes_fall_back_to_their_nearest_ancestor() {
        let index = SpanIndex::build(DOC);
        assert_eq!(index.locate("parameters[1].step"), at(5, 5));
        assert_eq!(index.locate("parameters[7].default"), at(2, 1));
        assert_eq!(index.locate("nowhere"), at(1, 1));
    }

    #[test]
    fn unreadable_documents_index_what_was_read() {
        let index = SpanIndex::build("a: [unclosed\n");
        assert_eq!(index.locate("a[0]"), at(1, 5));
        assert_eq!(index.locate("b"), Location::START);
        let empty = SpanIndex::build("");
        assert_eq!(empty.locate("a"), Location::START);
    }

    #[test]
    fn parents() {
        assert_eq!(parent("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent("a.b[2]"), Some("a.b"));
        assert_eq!(parent("a"), Some(""));
        assert_eq!(parent(""), None);
    }
}
