package io.syncgw.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.Gateway;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.account.DeviceAdmin;
import io.syncgw.persistence.account.DeviceSlot;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The self-service page end to end in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs; this test fails, it does not skip, when they are missing): sign in with the
 * account's SyncML credentials, rename a device, set a calendar window, free a slot. Each step is checked in the
 * database and kept as a screenshot in {@code gateway/target/screenshots/}.
 *
 * <p>The changes are checked where the engine reads them (the device rows), and the phone whose slot was set to
 * download only with a contacts filter syncs next and obeys them.
 */
class AccountPageBrowserIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String LOGIN = "bruno";
    private static final String PASSWORD = "browser-pw";

    private static DatabaseConfig config;
    private static Database database;
    private static Gateway gateway;
    private static String base;
    private static WebDriver browser;
    private static ChromeDriverService driverService;
    private static Path screenshots;
    /** The two phones, by slot: they sync again after the page changed their configuration. */
    private static final java.util.Map<Integer, TestClient> PHONES = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        String chromium = System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
        if (!new File(chromium).canExecute() || !new File(chromedriver).canExecute()) {
            fail("the browser test needs Chromium and its driver at " + chromium + " and " + chromedriver
                    + " (Debian: apt-get install -y chromium chromium-driver; .ci/run installs them;"
                    + " or set CHROMIUM_BIN / CHROMEDRIVER_BIN)");
        }
        screenshots = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
        Files.createDirectories(screenshots);

        config = TestPostgres.freshDatabase();
        database = Database.open(config);
        new Migrator(database.connectionFactory()).migrate().block(T);
        new AccountAdmin(database).add(LOGIN, PASSWORD).block(T);
        gateway = Gateway.start(Gateway.Settings.loopback(0), database);
        base = "http://127.0.0.1:" + gateway.port();
        // two phones sync: they take slots 1 and 2
        for (String device : List.of("IMEI:35-209900-176148-1", "IMEI:35-209900-176148-2")) {
            TestClient phone = new TestClient(device, LOGIN, PASSWORD);
            phone.addLocal(device + "-c1", Cards.v30(device.hashCode() & 0xffff, 1));
            TestClient.Result r = phone.syncOver(AlertCode.SLOW_SYNC, new HttpTransport(base + "/sync"));
            assertThat(r.completed).as(r.toString()).isTrue();
            PHONES.put(PHONES.size() + 1, phone);
        }

        driverService = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1200,1700", "--no-first-run", "--disable-extensions", "--lang=en-US");
        browser = new ChromeDriver(driverService, options);
        browser.manage().timeouts().pageLoadTimeout(T);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, T);
    }

    private static String row(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/"
                + config.database() + "?user=postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static void set(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    @Test
    void signInRenameSetACalendarWindowAndFreeASlot() throws IOException {
        // sign in: a wrong password first
        browser.get(base + "/account/");
        assertThat(browser.getTitle()).contains("Sign in");
        screenshot("01-sign-in");
        set("login", LOGIN);
        set("password", "not-the-password");
        browser.findElement(By.id("signin")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(browser.findElement(By.id("error")).getText()).isEqualTo("Wrong user ID or password.");
        screenshot("02-wrong-password");
        set("password", PASSWORD);
        browser.findElement(By.id("signin")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("slots")));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo(LOGIN);
        assertThat(browser.findElements(By.cssSelector("#slots tbody tr"))).hasSize(4);
        assertThat(browser.findElement(By.id("slot-1")).getText()).contains("IMEI:35-209900-176148-1")
                .contains("test TestClient").contains("active");
        assertThat(browser.findElement(By.id("slot-3")).getText()).contains("free");
        screenshot("03-slots");

        // rename the device in slot 1
        set("name-1", "Work BlackBerry");
        browser.findElement(By.id("save-1")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("notice"), "Slot 1 saved."));
        assertThat(browser.findElement(By.id("slot-1")).getText()).contains("Work BlackBerry");
        assertThat(row("select name from device where slot = 1")).isEqualTo("Work BlackBerry");
        screenshot("04-renamed");

        // slot 2: a download-only phone with personal contacts and a week back, a month ahead
        set("calendarPastDays-2", "7");
        set("calendarFutureDays-2", "30");
        set("contactCategories-2", "Personal");
        new Select(browser.findElement(By.id("direction-2"))).selectByValue("from-server");
        browser.findElement(By.id("datastores-tasks-2")).click();
        browser.findElement(By.id("save-2")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("notice"), "Slot 2 saved."));
        assertThat(browser.findElement(By.id("calendarPastDays-2")).getAttribute("value")).isEqualTo("7");
        assertThat(browser.findElement(By.id("calendarFutureDays-2")).getAttribute("value")).isEqualTo("30");
        assertThat(row("select concat_ws('|', calendar_past_days, calendar_future_days, direction,"
                + " contact_categories, datastores) from device where slot = 2"))
                .isEqualTo("7|30|from-server|{Personal}|{calendar,contacts}");
        DeviceSlot two = new DeviceAdmin(database.connectionFactory(), 4).slot(LOGIN, 2).block(T);
        assertThat(two.policy().calendarPastDays()).isEqualTo(7);
        assertThat(two.policy().calendarFutureDays()).isEqualTo(30);
        assertThat(row("select name from device where slot = 1")).as("slot 1 untouched")
                .isEqualTo("Work BlackBerry");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(By.id("device-2")));
        screenshot("05-calendar-window");

        // the phone in slot 2 syncs next and obeys: download only (its own edit and new contact stay on it) and
        // only Personal contacts (the other phone's contact is not one)
        TestClient two2 = PHONES.get(2);
        String itsOwn = two2.items.keySet().iterator().next();
        two2.modifyLocal(itsOwn, Cards.v30(4242, 2));
        two2.addLocal("local-only", Cards.v30(4343, 1));
        String before = row("select string_agg(content, '|' order by id) from item where not deleted");
        TestClient.Result next = two2.syncOver(AlertCode.TWO_WAY, new HttpTransport(base + "/sync"));
        assertThat(next.completed).as(next.toString()).isTrue();
        assertThat(next.serverMode).as("a download-only device is alerted one-way from the server")
                .isEqualTo(AlertCode.ONE_WAY_FROM_SERVER);
        assertThat(next.receivedAdds).as("nothing Personal on the account").isZero();
        assertThat(row("select string_agg(content, '|' order by id) from item where not deleted"))
                .as("the device's changes never reach the account").isEqualTo(before);

        // free slot 2: the page asks first; "cancel" keeps it
        browser.findElement(By.id("free-2")).click();
        Alert ask = waiting().until(ExpectedConditions.alertIsPresent());
        assertThat(ask.getText()).startsWith("Free slot 2?");
        ask.dismiss();
        assertThat(row("select count(*) from device where slot = 2")).isEqualTo("1");
        browser.findElement(By.id("free-2")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(ExpectedConditions.textToBe(By.id("notice"), "Slot 2 is free now."));
        assertThat(browser.findElement(By.id("slot-2")).getText()).contains("free");
        assertThat(browser.findElements(By.id("device-2"))).isEmpty();
        assertThat(row("select count(*) from device where slot = 2")).isEqualTo("0");
        assertThat(row("select count(*) from item where not deleted")).as("the account's data stays").isEqualTo("2");
        screenshot("06-slot-freed");

        // sign out: the page is gone with the session
        browser.findElement(By.id("signout")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("notice"), "You are signed out."));
        browser.get(base + "/account/");
        assertThat(browser.findElements(By.id("slots"))).isEmpty();
        assertThat(browser.findElement(By.id("signin")).isDisplayed()).isTrue();
        screenshot("07-signed-out");
    }
}
