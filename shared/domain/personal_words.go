package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// nextWordAt finds the next word at or after i: a run of letters (ASCII or
// any script's), returned as byte offsets, or -1 when there is none.
func nextWordAt(s string, i int) (int, int) {
	for i < len(s) && !letterAt(s, i) {
		i += runeLen(s, i)
	}
	if i >= len(s) {
		return -1, -1
	}
	j := i
	for j < len(s) {
		if c := s[j]; c < 0x80 {
			if !asciiLetter[c] {
				break
			}
			j++
		} else if letterAt(s, j) {
			j += runeLen(s, j)
		} else {
			break
		}
	}
	return i, j
}

func letterAt(s string, i int) bool {
	if c := s[i]; c < 0x80 {
		return asciiLetter[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.Is(unicode.M, r)
}

// asciiLetter marks the ASCII letters.
var asciiLetter = func() (t [128]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

func runeLen(s string, i int) int {
	if s[i] < 0x80 {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// afterWordChar reports whether a letter or digit stands right before i: a
// word starting at i is then the tail of another ("3b", "Dr.Mr").
func afterWordChar(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// lowerASCII appends s lower-cased (ASCII letters only) to buf.
func lowerASCII(buf []byte, s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return string(buf)
}

// wordBefore is the word (letters and apostrophes, so "don't" and
// "trust's" are one) that ends just before i, spaces aside, lower-cased;
// "" when punctuation other than an apostrophe or a line break comes first.
func wordBefore(s string, i int) string {
	w, _ := wordBeforeAt(s, i)
	return w
}

// wordBeforeAt is wordBefore, and where that word starts.
func wordBeforeAt(s string, i int) (string, int) {
	j := i
	for j > 0 && s[j-1] == ' ' {
		j--
	}
	k := j
	for k > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:k])
		if r != '\'' && !unicode.IsLetter(r) {
			break
		}
		k -= n
	}
	return strings.ToLower(strings.Trim(s[k:j], "'")), k
}

// wordAfter is the word that starts after i once spaces are skipped,
// lower-cased, with where it ends; "" when something else comes first.
func wordAfter(s string, i int) (string, int) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || !letterAt(s, i) {
		return "", i
	}
	_, end := nextWordAt(s, i)
	return strings.ToLower(s[i:end]), end
}

// wordSet is the set of the space-separated words in words, for the
// guard's lists of words, each written as one string to read.
func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
