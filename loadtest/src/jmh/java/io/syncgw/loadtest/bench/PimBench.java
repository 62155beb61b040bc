package io.syncgw.loadtest.bench;

import io.syncgw.codec.pim.CalendarFormat;
import io.syncgw.codec.pim.ContactFormat;
import io.syncgw.codec.pim.ConversionResult;
import io.syncgw.codec.pim.VCardCodec;
import io.syncgw.loadtest.handset.Pim;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-item PIM work: vCard 2.1 to 3.0 and back, the twin key of a card (what a slow sync computes per item), and,
 * once {@code io.syncgw.codec.pim.CalendarCodec} exists, vCalendar 1.0 to iCalendar 2.0 and back. The cards are the
 * generated contacts the simulations use (about 530 bytes; no photo).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PimBench {
    private final VCardCodec vcards = new VCardCodec();
    private String card21;
    private String card30;
    private String vcal10;
    private String ical20;
    private Object calendars;
    private MethodHandle calendarConvert;

    @Setup
    public void setUp() throws Throwable {
        card21 = Pim.contact(4711, 0, true, 0);
        card30 = Pim.contact(4711, 0, false, 0);
        vcal10 = Pim.event(4711, 0, true);
        ical20 = Pim.event(4711, 0, false);
        try {
            // looked up by name: the calendar codec came with another issue, after this benchmark was written
            Class<?> c = Class.forName("io.syncgw.codec.pim.CalendarCodec");
            calendars = c.getConstructor().newInstance();
            calendarConvert = MethodHandles.publicLookup().findVirtual(c, "convert",
                    MethodType.methodType(ConversionResult.class, String.class, CalendarFormat.class));
        } catch (ClassNotFoundException e) {
            calendars = null;
        }
    }

    @Benchmark
    public ConversionResult vcard21To30() {
        return vcards.convert(card21, ContactFormat.VCARD_30);
    }

    @Benchmark
    public ConversionResult vcard30To21() {
        return vcards.convert(card30, ContactFormat.VCARD_21);
    }

    @Benchmark
    public String twinKey() {
        return vcards.twinKey(card21);
    }

    @Benchmark
    public Object vcal10ToIcal20() throws Throwable {
        if (calendars == null) {
            throw new UnsupportedOperationException("io.syncgw.codec.pim.CalendarCodec is not there yet");
        }
        return calendarConvert.invoke(calendars, vcal10, CalendarFormat.ICALENDAR_20);
    }

    @Benchmark
    public Object ical20ToVcal10() throws Throwable {
        if (calendars == null) {
            throw new UnsupportedOperationException("io.syncgw.codec.pim.CalendarCodec is not there yet");
        }
        return calendarConvert.invoke(calendars, ical20, CalendarFormat.VCALENDAR_10);
    }
}
