/**
 * Contact (PIM) payload handling: conversion between vCard 2.1 (versit Consortium, 1996) and vCard 3.0 (RFC 2425 /
 * RFC 2426), the slow-sync twin key, and display names for logs. Pure functions over text; no sessions, no storage.
 *
 * <p>Built on ez-vcard for the property model. The wire details that devices are picky about (2.1 parameter style,
 * quoted-printable, base64 blocks, octet-based folding) are finished here, after ez-vcard has written the card.
 */
package io.syncgw.codec.pim;
