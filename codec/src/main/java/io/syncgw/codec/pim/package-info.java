/**
 * PIM payload handling. Pure functions over text; no sessions, no storage.
 *
 * <p>Contacts ({@link io.syncgw.codec.pim.VCardCodec}): conversion between vCard 2.1 (versit Consortium, 1996) and
 * vCard 3.0 (RFC 2425 / RFC 2426), the slow-sync twin key, display names for logs, and the merge of an update from a
 * limited device. Built on ez-vcard for the property model. The wire details that devices are picky about (2.1
 * parameter style, quoted-printable, base64 blocks, octet-based folding) are finished here, after ez-vcard has
 * written the card.
 *
 * <p>Calendar and tasks ({@link io.syncgw.codec.pim.CalendarCodec}): conversion between vCalendar 1.0 and
 * iCalendar 2.0 (RFC 5545), twin keys, date-range spans and recurrence queries, and the merge of an update from a
 * limited device. The hub is the 2.0 content-line tree ({@code CalText}, {@code CalComponent}, {@code CalModel});
 * ical4j 4.2.3 validates 2.0 input, expands recurrence rules and builds the rules of custom VTIMEZONEs
 * ({@code Ical4j}); vCalendar 1.0 is the codec's own ({@code VCal10}, {@code Rrule10}); time zones and the 1.0
 * TZ/DAYLIGHT description are in {@code Zones}.
 */
package io.syncgw.codec.pim;
