// Upload progress for the inventories page (progressive enhancement: without this script the
// form posts normally). The file is sent with XMLHttpRequest so that its upload progress can
// be shown; the server scores the whole file before answering, so once every byte is sent the
// bar turns indeterminate until the server answers with the stored report's address.
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
    // Answered with the stored report's address (JSON) instead of a redirect, so that the
    // report is read once, by the page the browser then opens.
    xhr.setRequestHeader("X-Upload-Progress", "1");
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
      // A stored report: go to its page. A refused file: the form again, with the reason
      // (or the server's error), shown as it came.
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status === 200 && type.indexOf("application/json") === 0) {
        var where = JSON.parse(xhr.responseText).location;
        if (typeof where === "string" && where.indexOf("/inventories/") === 0) {
          words.textContent = "Scored; opening the report…";
          window.location.assign(where);
          return;
        }
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
