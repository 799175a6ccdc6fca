"""The README's screenshot of nnstep page: headless Chromium opens lecture.html#forward, clicks H1
and saves the window. Usage: python docs/screenshot.py lecture.html docs/page.png"""

import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

page, picture = Path(sys.argv[1]).resolve(), sys.argv[2]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1200,760",
):
    options.add_argument(flag)
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
try:
    driver.get(page.as_uri() + "#forward")
    node = driver.find_element("css selector", 'section[data-step="forward"] [data-cell="H1"]')
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
    driver.save_screenshot(picture)
finally:
    driver.quit()
