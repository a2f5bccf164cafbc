//! A file to upload in a multipart body.
//!
//! The bytes are held in memory (`bytes::Bytes`, cheap to clone), so a request that
//! carries a file can be retried like any other. A part's media type is the one set
//! here, else one guessed from the file name, else `application/octet-stream`.

use std::path::Path;

use bytes::Bytes;

/// A file for a multipart upload: its bytes, and optionally a name and media type.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    /// The content.
    pub bytes: Bytes,
    /// The file name sent with the part (`report.pdf`).
    pub filename: Option<String>,
    /// The media type sent with the part (`application/pdf`).
    pub content_type: Option<String>,
}

impl FileUpload {
    /// A file with this content and no name.
    #[must_use]
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            filename: None,
            content_type: None,
        }
    }

    /// Reads a file from disk without blocking the async runtime; its name becomes
    /// the part's file name. A failure is [`super::error::Error::File`], so `?` works in a
    /// function returning the SDK's error.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, super::error::Error> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|source| super::error::Error::File {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Self::named(bytes, path))
    }

    /// Reads a file from disk on the calling thread (for the blocking client and
    /// synchronous code); otherwise as [`FileUpload::from_path`].
    pub fn from_path_blocking(path: impl AsRef<Path>) -> Result<Self, super::error::Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| super::error::Error::File {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self::named(bytes, path))
    }

    fn named(bytes: Vec<u8>, path: &Path) -> Self {
        let upload = Self::new(bytes);
        match path.file_name() {
            Some(name) => upload.filename(name.to_string_lossy()),
            None => upload,
        }
    }

    /// Sets the file name.
    #[must_use]
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// Sets the media type.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl std::fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileUpload")
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// The file parts a params field holds: one, maybe one, or several.
pub(crate) trait FileParts {
    /// Calls `each` for every file.
    fn each_file(&self, each: &mut dyn FnMut(&FileUpload));
}

impl FileParts for FileUpload {
    fn each_file(&self, each: &mut dyn FnMut(&FileUpload)) {
        each(self);
    }
}

impl<T: FileParts> FileParts for Option<T> {
    fn each_file(&self, each: &mut dyn FnMut(&FileUpload)) {
        if let Some(inner) = self {
            inner.each_file(each);
        }
    }
}

impl<T: FileParts> FileParts for Vec<T> {
    fn each_file(&self, each: &mut dyn FnMut(&FileUpload)) {
        for inner in self {
            inner.each_file(each);
        }
    }
}

impl<T: FileParts> FileParts for super::nullable::Nullable<T> {
    fn each_file(&self, each: &mut dyn FnMut(&FileUpload)) {
        if let super::nullable::Nullable::Value(inner) = self {
            inner.each_file(each);
        }
    }
}
