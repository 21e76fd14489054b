// Upload progress for the inventories page (progressive enhancement: without this script the
// form posts normally). The file is sent with XMLHttpRequest so that its upload progress can
// be shown; the server scores the whole file before answering, so once every byte is sent the
// bar turns indeterminate until the report page arrives, which then replaces this page.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("upload-status");
  var bar = document.getElementById("upload-progress");
  var words = document.getElementById("upload-words");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        words.textContent = Math.round(100 * e.loaded / e.total) + "% sent";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      words.textContent = "Sent; scoring every row…";
    });
    xhr.addEventListener("load", function () {
      // A stored report: the browser followed the redirect to its page. A refused file: the
      // form again, with the reason. Either way, show what the server answered.
      if (xhr.responseURL && xhr.responseURL.indexOf("/inventories/") !== -1 && xhr.status === 200) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      words.textContent = "The upload failed (network error); try again.";
      button.disabled = false;
    });
    box.hidden = false;
    button.disabled = true;
    words.textContent = "Starting…";
    xhr.send(new FormData(form));
  });
})();
