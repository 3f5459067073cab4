//! A digest of a serializable value that leaves out every [`Span`]: what a
//! note *says*, not where in its file it says it. Two parses of a note whose
//! body gained a paragraph above its last link differ in every span after
//! that paragraph, yet the pages of other notes read nothing but the
//! values, so this is the digest the build compares to know whether an edit
//! reaches beyond the note's own page (see `crate::patch`).
//!
//! It is a [`serde::Serializer`] that feeds a BLAKE3 hasher: each value is
//! written with a tag byte and, for strings and sequences, its length, so
//! that no two different values feed the same bytes; a struct named `Span`
//! feeds nothing.
//!
//! [`Span`]: vellum_syntax::Span

use serde::ser::{self, Serialize};

/// The BLAKE3 digest of `value`'s data without its spans.
pub(crate) fn digest<T: Serialize + ?Sized>(h: &mut blake3::Hasher, value: &T) {
    let mut s = Spanless { h, skip: 0 };
    // The serializer itself never fails; a value whose `Serialize` fails
    // feeds a marker that no successful value feeds.
    if value.serialize(&mut s).is_err() {
        s.h.update(b"\xffunserializable");
    }
}

struct Spanless<'h> {
    h: &'h mut blake3::Hasher,
    /// Inside a `Span` (nested depth): nothing is fed.
    skip: u32,
}

#[derive(Debug)]
struct Never(String);

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl Spanless<'_> {
    fn feed(&mut self, tag: u8, bytes: &[u8]) {
        if self.skip == 0 {
            self.h.update(&[tag]);
            self.h.update(bytes);
        }
    }

    fn len(&mut self, tag: u8, len: Option<usize>) {
        // An unknown length is fed as `u64::MAX`; the elements follow and an
        // end marker closes every compound.
        let n = len.map_or(u64::MAX, |n| n as u64);
        self.feed(tag, &n.to_le_bytes());
    }
}

/// Every compound: fields and elements are serialized in turn, then `end`
/// closes it (and leaves a `Span`).
struct Compound<'a, 'h> {
    s: &'a mut Spanless<'h>,
    span: bool,
}

impl Compound<'_, '_> {
    fn close(self) {
        if self.span {
            self.s.skip -= 1;
        } else {
            self.s.feed(b')', &[]);
        }
    }
}

impl<'a, 'h> ser::Serializer for &'a mut Spanless<'h> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Compound<'a, 'h>;
    type SerializeTuple = Compound<'a, 'h>;
    type SerializeTupleStruct = Compound<'a, 'h>;
    type SerializeTupleVariant = Compound<'a, 'h>;
    type SerializeMap = Compound<'a, 'h>;
    type SerializeStruct = Compound<'a, 'h>;
    type SerializeStructVariant = Compound<'a, 'h>;

    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.feed(b'b', &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Never> {
        self.serialize_i128(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Never> {
        self.serialize_i128(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Never> {
        self.serialize_i128(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Never> {
        self.serialize_i128(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Never> {
        self.feed(b'i', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Never> {
        self.serialize_u128(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Never> {
        self.serialize_u128(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Never> {
        self.serialize_u128(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Never> {
        self.serialize_u128(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Never> {
        self.feed(b'u', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Never> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.feed(b'f', &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.feed(b'c', &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.len(b's', Some(v.len()));
        self.feed(b'=', v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.len(b'y', Some(v.len()));
        self.feed(b'=', v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.feed(b'N', &[]);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.feed(b'S', &[]);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.feed(b'0', &[]);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Result<(), Never> {
        self.feed(b'v', &index.to_le_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.feed(b'v', &index.to_le_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, 'h>, Never> {
        self.len(b'[', len);
        Ok(Compound { s: self, span: false })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'h>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, 'h>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'h>, Never> {
        self.feed(b'v', &index.to_le_bytes());
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, 'h>, Never> {
        self.len(b'{', len);
        Ok(Compound { s: self, span: false })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a, 'h>, Never> {
        if name == "Span" {
            self.skip += 1;
            return Ok(Compound { s: self, span: true });
        }
        self.serialize_seq(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'h>, Never> {
        self.feed(b'v', &index.to_le_bytes());
        self.serialize_seq(Some(len))
    }
}

/// The compounds whose parts are elements or unnamed fields: each is
/// serialized in turn.
macro_rules! in_turn {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
                value.serialize(&mut *self.s)
            }
            fn end(self) -> Result<(), Never> {
                self.close();
                Ok(())
            }
        }
    )*};
}

in_turn!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        key.serialize(&mut *self.s)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut *self.s)
    }
    fn end(self) -> Result<(), Never> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Result<(), Never> {
        value.serialize(&mut *self.s)
    }
    fn skip_field(&mut self, _: &'static str) -> Result<(), Never> {
        self.s.feed(b'_', &[]);
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Result<(), Never> {
        value.serialize(&mut *self.s)
    }
    fn end(self) -> Result<(), Never> {
        self.close();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vellum_syntax::{Span, Spanned};

    fn of<T: Serialize>(v: &T) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        digest(&mut h, v);
        *h.finalize().as_bytes()
    }

    #[test]
    fn spans_are_left_out_and_values_are_not() {
        let at = |start, end, value: &str| Spanned { value: value.to_owned(), span: Span::new(start, end) };
        assert_eq!(of(&vec![at(0, 3, "abc")]), of(&vec![at(10, 13, "abc")]));
        assert_ne!(of(&vec![at(0, 3, "abc")]), of(&vec![at(0, 3, "abd")]));
        assert_ne!(of(&vec![at(0, 3, "abc")]), of(&vec![at(0, 3, "abc"), at(0, 3, "abc")]));
        assert_eq!(of(&Span::new(1, 2)), of(&Span::new(5, 9)));
    }

    #[test]
    fn different_shapes_feed_different_bytes() {
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        assert_ne!(of(&Some(0u8)), of(&None::<u8>));
        assert_ne!(of(&vec![vec![1u8], vec![]]), of(&vec![vec![], vec![1u8]]));
        assert_ne!(of(&1u32), of(&1i32));
    }

    #[test]
    fn a_whole_note_digest_ignores_where_its_parts_are() {
        let a = vellum_syntax::parse("---\ntitle: A\n---\n# A\n\nSee [[B]] and #tag.\n");
        let b = vellum_syntax::parse("---\ntitle: A\n---\n# A\n\nSome more words.\n\nSee [[B]] and #tag.\n");
        let c = vellum_syntax::parse("---\ntitle: A\n---\n# A\n\nSee [[C]] and #tag.\n");
        assert_eq!(of(&a.links), of(&b.links));
        assert_eq!(of(&a.tags), of(&b.tags));
        assert_ne!(of(&a.links), of(&c.links));
    }
}
