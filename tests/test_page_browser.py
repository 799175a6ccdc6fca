"""nnstep page in a real headless browser (Chromium driven by Selenium through chromedriver):
stepping with the buttons and the arrow keys, opening a link with a fragment, clicking nodes and
arrows, and no network request. Skipped, saying why, when the browser, its driver or Selenium is
missing (.ci/run installs them)."""

import shutil

import pytest

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
STEPS = ["weights", "forward", "backprop", "update", "epoch-1", "epoch-10", "epoch-100", "epoch-1000", "epoch-8000"]


def _missing() -> str | None:
    if CHROMIUM is None:
        return "no Chromium browser installed (apt-get install chromium chromium-driver)"
    if DRIVER is None:
        return "no chromedriver installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium is not installed (pip install selenium)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


@pytest.fixture(scope="module")
def page_url(cli, tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "lecture.html"
    result = cli("page", "--output", str(path))
    assert result.exit_code == 0, result.output
    return path.as_uri()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    except Exception as exc:  # a browser that cannot start here (no display libraries, ...)
        pytest.skip(f"Chromium did not start: {str(exc).splitlines()[0]}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _visible_step(driver) -> str:
    shown = [
        s.get_attribute("data-step") for s in driver.find_elements("css selector", "section.step") if s.is_displayed()
    ]
    assert len(shown) == 1, shown
    return shown[0]


def _wait_for(driver, step: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 5).until(lambda d: _visible_step(d) == step)


def _open(driver, url: str) -> None:
    driver.get("about:blank")  # a new document, even when only the fragment differs
    driver.get(url)


def test_it_opens_at_the_first_step_and_steps_with_buttons_and_arrow_keys(browser, page_url):
    from selenium.webdriver.common.keys import Keys

    _open(browser, page_url)
    assert _visible_step(browser) == "weights"
    assert browser.find_element("id", "counter").text == f"1 / {len(STEPS)}"
    assert not browser.find_element("id", "prev").is_enabled()
    browser.find_element("id", "next").click()
    _wait_for(browser, "forward")
    assert browser.current_url.endswith("#forward")
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.ARROW_RIGHT)
    _wait_for(browser, "backprop")
    body.send_keys(Keys.ARROW_RIGHT)
    _wait_for(browser, "update")
    assert browser.current_url.endswith("#update")
    body.send_keys(Keys.ARROW_LEFT)
    _wait_for(browser, "backprop")
    browser.find_element("id", "prev").click()
    _wait_for(browser, "forward")
    browser.back()  # the fragment is in the history: Back returns to the step before
    _wait_for(browser, "backprop")
    for _ in STEPS:
        body.send_keys(Keys.ARROW_RIGHT)
    _wait_for(browser, "epoch-8000")
    assert not browser.find_element("id", "next").is_enabled()
    assert browser.find_element("id", "counter").text == f"{len(STEPS)} / {len(STEPS)}"


@pytest.mark.parametrize("step", ["backprop", "update", "epoch-100"])
def test_a_link_with_a_fragment_opens_that_step(browser, page_url, step):
    _open(browser, f"{page_url}#{step}")
    _wait_for(browser, step)
    current = browser.find_element("css selector", 'nav a[aria-current="step"]')
    assert current.get_attribute("href").endswith(f"#{step}")


def test_an_unknown_fragment_opens_the_first_step(browser, page_url):
    _open(browser, f"{page_url}#epoch-12345")
    _wait_for(browser, "weights")


def _click(driver, step: str, cell: str) -> str:
    target = driver.find_element("css selector", f'section[data-step="{step}"] [data-cell="{cell}"]')
    driver.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", target
    )  # SVG groups have no box of their own for WebDriver's pointer
    return " ".join(driver.find_element("id", "formula").text.split())  # long formulas wrap onto lines


def test_clicking_a_node_shows_its_worked_formula_with_the_slides_numbers(browser, page_url):
    _open(browser, f"{page_url}#forward")
    _wait_for(browser, "forward")
    text = _click(browser, "forward", "H1")
    # Step 3 a) (2/5) of the slides
    assert "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614" in text
    assert "f(0.614) = 0.65" in text
    node = browser.find_element("css selector", 'section[data-step="forward"] g.node[data-cell="H1"]')
    assert "selected" in node.get_attribute("class")


def test_clicking_an_arrow_shows_the_update_of_its_weight(browser, page_url):
    _open(browser, f"{page_url}#update")
    _wait_for(browser, "update")
    text = _click(browser, "update", "IN1->H1")
    # slide 127: the one-row step; slide 129: the full batch
    assert "-0.2 - 0.5 * -0.003 * -0.97 ≈ -0.202" in text  # the printed -0.003 gives -0.201
    assert "= -0.230" in text


def test_clicking_an_arrow_in_backprop_shows_its_gradient(browser, page_url):
    _open(browser, f"{page_url}#backprop")
    _wait_for(browser, "backprop")
    text = _click(browser, "backprop", "H1->ON")
    assert "dCost/dw_H1->ON = BPE_ON,1 * a_H1,1 + ... + BPE_ON,10 * a_H1,10" in text


def test_after_10_epochs_an_arrow_shows_the_slides_weight(browser, page_url):
    _open(browser, f"{page_url}#epoch-10")
    _wait_for(browser, "epoch-10")
    label = browser.find_element("css selector", 'section[data-step="epoch-10"] .edge-labels [data-cell="IN1->H1"]')
    assert label.text == "-0.415"  # slide 138, After 10 epochs
    assert "= -0.415" in _click(browser, "epoch-10", "IN1->H1")


def test_no_network_request_and_no_script_error(browser, page_url):
    _open(browser, f"{page_url}#forward")
    _wait_for(browser, "forward")
    _click(browser, "forward", "ON")
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert resources == []
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
