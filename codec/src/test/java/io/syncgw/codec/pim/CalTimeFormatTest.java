package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written date formats write what {@code String.format} wrote before them. */
class CalTimeFormatTest {

    @Test
    void datesAndTimesAreWrittenAsTheFormatterWritesThem() {
        SplittableRandom random = new SplittableRandom(11);
        int[] years = {-12345, -1, 0, 1, 9, 99, 999, 1000, 1970, 2026, 9999, 10000, 123456};
        for (int n = 0; n < 20_000; n++) {
            int year = n < years.length ? years[n] : random.nextInt(-200, 10200);
            LocalDateTime t = LocalDateTime.of(LocalDate.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28)),
                    java.time.LocalTime.of(random.nextInt(24), random.nextInt(60), random.nextInt(60)));
            String date = String.format(Locale.ROOT, "%04d%02d%02d", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth());
            assertThat(CalTime.formatDate(t.toLocalDate())).isEqualTo(date);
            assertThat(CalTime.formatDateTime(t)).isEqualTo(date
                    + String.format(Locale.ROOT, "T%02d%02d%02d", t.getHour(), t.getMinute(), t.getSecond()));
        }
    }
}
